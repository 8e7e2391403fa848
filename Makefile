# The entry points developers and CI share. `make test` is the README's test command.
.PHONY: test check fmt lint doc compare

# The test suite, with HashiCorp's HCL parser and formatter installed for the conformance check.
test: node_modules/.installed
	cargo test --workspace --locked

# Everything CI checks.
check: fmt lint doc test compare

# irsa simulate against an independent IAM engine (@cloud-copilot/iam-simulate, pinned in
# benches/iam-simulate/package-lock.json) on 3,000 seeded requests; fails on a disagreement
# that README.md does not document.
compare: benches/iam-simulate/node_modules/.installed
	cargo build --locked -p irsa-cli
	cd benches/iam-simulate && node compare.mjs --seed 1 --count 3000 --irsa ../../target/debug/irsa

benches/iam-simulate/node_modules/.installed: benches/iam-simulate/package.json benches/iam-simulate/package-lock.json
	cd benches/iam-simulate && npm ci --ignore-scripts --no-audit --no-fund
	touch $@

fmt:
	cargo fmt --all --check

lint:
	cargo clippy --workspace --all-targets --locked -- -D warnings

doc:
	RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked

# The pinned npm packages (package-lock.json), reinstalled when the lock file changes.
node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@
