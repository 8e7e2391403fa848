# The entry points developers and CI share. `make test` is the README's test command.
.PHONY: test check fmt lint doc

# The test suite, with HashiCorp's HCL parser and formatter installed for the conformance check.
test: node_modules/.installed
	cargo test --workspace --locked

# Everything CI checks.
check: fmt lint doc test

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
