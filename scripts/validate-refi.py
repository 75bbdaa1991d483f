#!/usr/bin/env python3
"""Validate REFI-QDA files against the standard's official schemas.

    scripts/validate-refi.py [--schemas DIR] FILE...

A `.qdc` is validated against Codebook.xsd; a `.qde`, and the `.qde` inside
a `.qdpx`, against Project.xsd. DIR holds the two schemas (default:
../shared/refi-qda beside the repository, where CI has them). Prints one
line per file, and each problem; exits 1 if any file is invalid, 2 if the
schemas or the xmlschema package are missing.
"""

import argparse
import io
import pathlib
import sys
import zipfile


def main() -> int:
    root = pathlib.Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schemas", type=pathlib.Path, default=root.parent / "shared" / "refi-qda")
    parser.add_argument("files", nargs="+", type=pathlib.Path)
    args = parser.parse_args()
    try:
        import xmlschema
    except ImportError:
        print("validate-refi: the xmlschema package is not installed (pip install xmlschema)", file=sys.stderr)
        return 2
    try:
        project = xmlschema.XMLSchema(str(args.schemas / "Project.xsd"))
        codebook = xmlschema.XMLSchema(str(args.schemas / "Codebook.xsd"))
    except (OSError, xmlschema.XMLSchemaException) as e:
        print(f"validate-refi: cannot load the schemas from {args.schemas}: {e}", file=sys.stderr)
        return 2

    invalid = 0
    for path in args.files:
        suffix = path.suffix.lower()
        try:
            if suffix == ".qdpx":
                with zipfile.ZipFile(path) as z:
                    names = [n for n in z.namelist() if n.lower().endswith(".qde")]
                    if len(names) != 1:
                        raise ValueError(f"expected one .qde entry, found {len(names)}")
                    document, schema = io.BytesIO(z.read(names[0])), project
            elif suffix == ".qde":
                document, schema = str(path), project
            elif suffix == ".qdc":
                document, schema = str(path), codebook
            else:
                raise ValueError("not a .qdc, .qde or .qdpx file")
            errors = list(schema.iter_errors(document))
        except (OSError, ValueError, zipfile.BadZipFile, xmlschema.XMLSchemaException) as e:
            errors = [e]
        if errors:
            invalid += 1
            print(f"{path}: invalid")
            for e in errors:
                reason = getattr(e, "reason", None) or str(e).splitlines()[0]
                where = getattr(e, "path", None)
                print(f"  {where or ''}: {reason}")
        else:
            print(f"{path}: valid")
    return 1 if invalid else 0


if __name__ == "__main__":
    sys.exit(main())
