import gc
import sys

from pipeline.cli import main

code = main()
gc.freeze()  # the process ends here: spare it the exit-time collection over all it built (10-20 ms a job)
sys.exit(code)
