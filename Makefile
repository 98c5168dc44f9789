.PHONY: demo test
demo:
	scripts/dev.sh demo
test:
	scripts/dev.sh test
