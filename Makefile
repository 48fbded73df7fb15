# The two commands: `make run` starts Keel with demo data; `make test` runs every test.
.PHONY: run test build setup
run:
	./scripts/run.sh
test:
	./scripts/test.sh
build:
	./scripts/build.sh
setup:
	./scripts/setup.sh
