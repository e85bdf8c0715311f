"""``python -m playground.eval run|tune …`` (see ``playground.eval.cli``)."""

from playground.eval.cli import run_main

if __name__ == "__main__":
    run_main()
