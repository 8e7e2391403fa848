//! `irsa kops`: the discovery store checked, and what a kops cluster needs for IRSA.

use irsa_core::kops::{CertManager, DiscoveryStore, KopsIrsa};
use irsa_core::{AccountId, Partition};

use crate::cli::{CertManagerArg, KopsArgs, KopsFormat};
use crate::failure::Failure;
use crate::output::emit;

pub(crate) fn run(args: &KopsArgs) -> Result<(), Failure> {
    let store = DiscoveryStore::parse(&args.discovery_store).map_err(|e| Failure::input("--discovery-store", e))?;
    let account: Option<AccountId> =
        args.account.as_deref().map(str::parse).transpose().map_err(|e| Failure::input("--account", e))?;
    let partition: Option<Partition> =
        args.partition.as_deref().map(str::parse).transpose().map_err(|e| Failure::input("--partition", e))?;
    let cert_manager = match args.cert_manager {
        CertManagerArg::Managed => CertManager::Managed,
        CertManagerArg::Unmanaged => CertManager::Unmanaged,
    };
    let irsa = KopsIrsa::new(store, &args.region, partition, args.dual_stack, account, cert_manager).map_err(|e| {
        Failure::input(if e.kind() == irsa_core::ErrorKind::Region { "--region" } else { "--partition" }, e)
    })?;
    let fail = |e| Failure::Input { flag: None, error: e, hint: None };
    let text = if args.explain {
        irsa.checklist(&args.cluster_name).map_err(fail)?
    } else {
        match args.format {
            KopsFormat::Text => irsa.to_text().map_err(fail)?,
            KopsFormat::Yaml => irsa.to_yaml().map_err(fail)?,
            KopsFormat::Json => format!("{}\n", irsa.to_json().map_err(fail)?),
        }
    };
    emit(text.as_bytes(), args.out.as_deref())
}
