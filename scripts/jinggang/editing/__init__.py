"""Tools for editors' pull requests: new files from skeletons, what a change affects, CI summaries.

- skeletons.py: the text of a new lesson, site guide, lecturer material or packet;
- new.py: `jinggang new` (questions, checks before and after writing);
- placeholders.py: the check's warning about placeholder text left in a file;
- changes.py: `jinggang changes` (files changed since a git ref and what they affect);
- summary.py: the Chinese job summary of a pull request;
- commands.py: the argparse wiring that cli.py calls.
"""
