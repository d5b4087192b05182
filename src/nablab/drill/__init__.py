"""Exam drills (E資格の演習): multiple-choice questions whose answers are proven by running them.

bank/*.toml    the questions, one file per section (Japanese and English text)
bank.py        loading and checking the bank files (a malformed file names the file and field)
proofs.py      what "proven" means: a code blank is filled with each choice and run against
               nablab's own layer, optimizer or formula; a numeric answer is computed by nablab
quiz.py        `nablab drill`: the terminal quiz, --answers, --list, progress (missed first)
export.py      `nablab drill --export sheet.html`: a printable practice sheet
grade.py       `nablab drill --code NAME` / `--grade FILE`: write it yourself, checked by `nablab check`
"""
