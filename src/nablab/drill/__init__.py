"""Exam drills (E資格の演習): multiple-choice questions whose answers are proven by running them.

bank/*.toml    the questions, one file per section (Japanese and English text)
bank.py        loading and checking the bank files (a malformed file names the file and field)
proofs.py      what "proven" means: a code blank is filled with each choice and run against
               nablab's own layer, optimizer or formula (function_proofs.py); a numeric answer
               is computed by nablab (values.py); what it did is said in English and Japanese
figures.py     the figures figure questions read, computed by nablab
quiz.py        `nablab drill`: the terminal quiz, --answers, --list, progress (missed first)
exam.py        `nablab drill --exam` (a timed mock exam) and `--stats`
export.py      `nablab drill --export sheet.html`: a printable practice sheet
grade.py       `nablab drill --code NAME` / `--grade FILE`: write it yourself, checked by `nablab check`
"""
