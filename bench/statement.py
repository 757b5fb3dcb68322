"""A month's purchase-of-service statement with N subsidised lines: issuing it and its
exports, in seconds and peak memory.

    python -m bench.statement --lines 100000

Builds a provider whose month holds N closed, visit-verified, subsidised orders (about 1%
of them held by an open complaint), opens the draft, then issues it and exports XLSX and
CSV (PDF with --pdf) in a fresh process, so that its peak resident memory is the work's
own and not the set-up's. The target: issue + XLSX of 100,000 lines in ≤ 20 s, ≤ 500 MB;
the PDF of 100,000 lines in ≤ 60 s, ≤ 500 MB.

Each case loads a fresh month (a new provider) and issues it at once: `--no-analyze` before
the planner has any figures for the new rows, `--analyze` after ANALYZE. Without either,
both run, one after the other (decision 0048).
"""

import argparse
import datetime
import json
import os
import resource
import subprocess
import sys
import time
import zoneinfo

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from django.db import connection  # noqa: E402

from statements import exports  # noqa: E402
from statements import pdf as statement_pdf  # noqa: E402
from statements.models import Statement  # noqa: E402
from statements.services import issue_statement, open_statement, totals  # noqa: E402

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
TARGET_SECONDS, TARGET_MB = 20, 500
PDF_TARGET_SECONDS = 60


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def measure(statement_id: int, pdf: bool) -> dict:
    statement = Statement.objects.select_related("purchaser", "provider").get(pk=statement_id)
    officer = statement.purchaser.officers.first().user
    figures = {"baseline_mb": peak_mb()}
    started = time.perf_counter()
    issue_statement(statement=statement, by=officer)
    figures["issue_s"] = time.perf_counter() - started
    figures["issue_peak_mb"] = peak_mb()
    lap = time.perf_counter()
    xlsx = exports.to_xlsx(statement)
    figures["xlsx_s"] = time.perf_counter() - lap
    figures["xlsx_bytes"] = len(xlsx)
    figures["issue_xlsx_peak_mb"] = peak_mb()
    del xlsx
    lap = time.perf_counter()
    figures["csv_bytes"] = len(exports.to_csv(statement))
    figures["csv_s"] = time.perf_counter() - lap
    if pdf:
        lap = time.perf_counter()
        figures["pdf_bytes"] = len(statement_pdf.to_pdf(statement))
        figures["pdf_s"] = time.perf_counter() - lap
    figures["peak_mb"] = peak_mb()
    total = totals(statement)
    figures.update(lines=total.line_count, billed_fen=total.billed_fen, held_fen=total.held_fen)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--month", type=datetime.date.fromisoformat, default=None)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--pdf", action="store_true", help="also the PDF export")
    parser.add_argument("--analyze", action="store_true", help="only the case after ANALYZE")
    parser.add_argument("--no-analyze", action="store_true", help="only the case without")
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.pdf)))
        return

    now = datetime.datetime.now(TZ)
    month = args.month or (now.date().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    cases = [c for c, only in ((False, args.no_analyze), (True, args.analyze)) if only]
    for analyze in cases or [False, True]:
        run_case(args, month, now, analyze)


def run_case(args, month: datetime.date, now: datetime.datetime, analyze: bool) -> None:
    from bench import statement_data

    case = "after ANALYZE" if analyze else "no ANALYZE (fresh rows, no statistics)"
    print(f"database {connection.settings_dict['NAME']}: {args.lines:,} lines in {month:%Y-%m}")
    print(f"case: {case}")
    started = time.perf_counter()
    purchaser, provider, officer = statement_data.build(
        lines=args.lines, month=month, now=now, seed=args.seed, analyze=analyze
    )
    statement = open_statement(purchaser=purchaser, provider=provider, month=month, by=officer)
    print(f"  set-up (orders, events, visits): {time.perf_counter() - started:.1f} s")
    connection.close()
    command = [sys.executable, "-m", "bench.statement", "--measure", str(statement.pk)]
    output = subprocess.run(
        command + (["--pdf"] if args.pdf else []), check=True, capture_output=True, text=True
    ).stdout
    f = json.loads(output.strip().splitlines()[-1])
    billed, held = f["billed_fen"] / 100, f["held_fen"] / 100
    print(f"  lines {f['lines']:,}: billed ¥{billed:,.2f}, held ¥{held:,.2f}")
    print(f"  issue        {f['issue_s']:6.1f} s   peak RSS {f['issue_peak_mb']:6.0f} MB")
    print(
        f"  XLSX         {f['xlsx_s']:6.1f} s   peak RSS {f['issue_xlsx_peak_mb']:6.0f} MB "
        f"({f['xlsx_bytes'] / 1e6:.1f} MB file)"
    )
    print(f"  CSV          {f['csv_s']:6.1f} s   ({f['csv_bytes'] / 1e6:.1f} MB file)")
    if "pdf_s" in f:
        verdict = "meets" if f["pdf_s"] <= PDF_TARGET_SECONDS else "misses"
        print(
            f"  PDF          {f['pdf_s']:6.1f} s   ({f['pdf_bytes'] / 1e6:.1f} MB file): "
            f"{verdict} the target (≤ {PDF_TARGET_SECONDS} s)"
        )
    print(f"  process peak RSS {f['peak_mb']:.0f} MB (after start-up {f['baseline_mb']:.0f} MB)")
    seconds, mb = f["issue_s"] + f["xlsx_s"], f["issue_xlsx_peak_mb"]
    verdict = "meets" if seconds <= TARGET_SECONDS and mb <= TARGET_MB else "misses"
    print(
        f"issue + XLSX ({case}): {seconds:.1f} s, {mb:.0f} MB peak: {verdict} the target "
        f"(≤ {TARGET_SECONDS} s, ≤ {TARGET_MB} MB)"
    )


if __name__ == "__main__":
    main()
