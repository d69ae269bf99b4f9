#!/usr/bin/env python3
"""python-stdnum's verdict on VAT identifiers, the reference settle's check was ported from
(Sources/SettleCore/Tax): the comparison test VATIdentifierAgreesWithStdnumTests runs it on
Tests/Fixtures/vat-ids/ids.txt and expects settle to agree on every id.

    scripts/vat-stdnum.py IDS.txt

Prints `ID<TAB>valid` or `ID<TAB>invalid` for each line of IDS.txt that is not blank, the id
exactly as written. GB and XI ids are checked with stdnum.gb.vat (stdnum.eu.vat no longer
lists GB since Brexit), all others with stdnum.eu.vat. The prefix is read as stdnum.eu.vat
reads it: the first two characters of the cleaned, upper-cased, stripped text.
"""
import sys

from stdnum.eu import vat as eu_vat
from stdnum.gb import vat as gb_vat
from stdnum.util import clean


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as f:
        lines = f.read().split("\n")
    sys.stdout.reconfigure(encoding="utf-8", newline="\n")
    for line in lines:
        if not line.strip():
            continue
        prefix = clean(line, "").upper().strip()[:2]
        module = gb_vat if prefix in ("GB", "XI") else eu_vat
        print(f"{line}\t{'valid' if module.is_valid(line) else 'invalid'}")


if __name__ == "__main__":
    main()
