//! `irsa service-account`: the manifest, and its bad inputs.

use crate::support::{assert_snapshot, irsa};

#[test]
fn manifests() {
    let cases: [(&str, &[&str]); 2] = [
        (
            "minimal",
            &["--sa", "kube-system:external-dns", "--role-arn", "arn:aws:iam::123456789012:role/irsa/external-dns"],
        ),
        (
            "all_annotations",
            &[
                "--sa",
                "default:app",
                "--role-arn",
                "arn:aws-cn:iam::123456789012:role/app",
                "--audience",
                "amazonaws.com",
                "--token-expiration",
                "3600",
                "--regional-sts",
            ],
        ),
    ];
    for (name, args) in cases {
        let mut full = vec!["service-account"];
        full.extend_from_slice(args);
        let run = irsa(&full);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        assert_snapshot(&format!("service_account__{name}.yaml"), &format!("irsa {}", full.join(" ")), &run.stdout);
    }
}

#[test]
fn bad_inputs() {
    let check = |args: &[&str], needle: &str| {
        let mut full = vec!["service-account"];
        full.extend_from_slice(args);
        let run = irsa(&full);
        assert_eq!((run.code, run.stdout.as_str()), (Some(2), ""), "{args:?}");
        assert!(run.stderr.contains(needle), "{args:?}: {}", run.stderr);
    };
    let arn = "arn:aws:iam::123456789012:role/app";
    check(
        &["--sa", "default:app-*", "--role-arn", arn],
        "--sa: invalid service account `default:app-*`: a ServiceAccount manifest names one service account",
    );
    check(&["--sa", "Default:app", "--role-arn", arn], "lowercase");
    check(
        &["--sa", "default:app", "--role-arn", "arn:aws:iam::123456789012:user/app"],
        "--role-arn: invalid role ARN `arn:aws:iam::123456789012:user/app`: the resource must start with `role/`",
    );
    check(
        &["--sa", "default:app", "--role-arn", arn, "--token-expiration", "60"],
        "--token-expiration: invalid token expiration `60`: the pod identity webhook needs a token expiration of at least 600 seconds",
    );
    check(
        &["--sa", "default:app", "--role-arn", arn, "--audience", "none"],
        "`auto` and `none` are for trust policies",
    );
    check(&["--sa", "default:app"], "--role-arn <ARN>");
}
