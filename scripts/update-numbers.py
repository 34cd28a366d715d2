#!/usr/bin/env python3
"""Usage: update-numbers.py RUN_DIR [BENCH_DIR]

Put the measured numbers where people read them, from the reports that
`make run` and `make bench` wrote, never typed in by hand:
  README.md          the block between "<!-- make numbers: run -->" and
                     "<!-- make numbers: end -->" gets RUN_DIR/summary.md,
                     the one after "<!-- make numbers: bench -->" gets
                     BENCH_DIR/summary.md (if given and there);
  docs/run-*.png     the headline plots of RUN_DIR, which README.md shows;
  cover-letter.txt   the block between "# make numbers: run" and
                     "# make numbers: end" gets RUN_DIR/summary.txt.
Then `make export` puts the cover letter into patches/.
"""
import os
import re
import shutil
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read(path):
    with open(path) as f:
        return f.read()


def replace_block(path, begin, end, body):
    text = read(path)
    pattern = re.compile(re.escape(begin) + r'\n.*?' + re.escape(end), re.S)
    if not pattern.search(text):
        sys.exit(f'{path}: no block from "{begin}" to "{end}": add the two marker lines')
    text = pattern.sub(lambda _: f'{begin}\n{body.rstrip()}\n{end}', text, count=1)
    with open(path, 'w') as f:
        f.write(text)


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    run_dir = sys.argv[1]
    bench_dir = sys.argv[2] if len(sys.argv) == 3 else None
    for name in ('summary.md', 'summary.txt', 'headline-plots'):
        if not os.path.exists(os.path.join(run_dir, name)):
            sys.exit(f'{run_dir}/{name} is missing: run "make run" first')

    readme = os.path.join(TOP, 'README.md')
    plots = read(os.path.join(run_dir, 'headline-plots')).split()
    os.makedirs(os.path.join(TOP, 'docs'), exist_ok=True)
    images = []
    for p in plots:
        dest = 'run-' + re.sub(r'-[a-z0-9]+-\d+g\.png$', '.png', p)
        shutil.copyfile(os.path.join(run_dir, p), os.path.join(TOP, 'docs', dest))
        images.append(f'![{dest}](docs/{dest})')
    body = read(os.path.join(run_dir, 'summary.md')) + '\n' + '\n'.join(images) + '\n'
    replace_block(readme, '<!-- make numbers: run -->', '<!-- make numbers: end -->', body)

    if bench_dir and os.path.exists(os.path.join(bench_dir, 'summary.md')):
        body = read(os.path.join(bench_dir, 'summary.md'))
        body += f'\nThe whole report: `{os.path.relpath(bench_dir, TOP)}/report.md` after `make bench`.\n'
        replace_block(readme, '<!-- make numbers: bench -->', '<!-- make numbers: end -->', body)

    replace_block(os.path.join(TOP, 'cover-letter.txt'), '# make numbers: run',
                  '# make numbers: end', read(os.path.join(run_dir, 'summary.txt')))
    print(f'README.md, docs/ and cover-letter.txt now show {run_dir}'
          + (f' and {bench_dir}' if bench_dir else ''))


if __name__ == '__main__':
    main()
