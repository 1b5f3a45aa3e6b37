#!/usr/bin/env python3
"""Regenerates operations.json from a sipgate OpenAPI document.

    python3 assets/sipgate/regenerate.py swagger.json > assets/sipgate/operations.json

The document is served at https://api.sipgate.com/v2/swagger.json. Only
facts are kept: method, path template, operationId, tag, the operation's
OAuth scopes (its `security` list), path parameters and documented status
codes, plus every scope the document declares. Standard library only.
"""
import json
import sys

METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


def scopes_of(security):
    found = set()
    for requirement in security or []:
        for names in requirement.values():
            found.update(names)
    return sorted(found)


def main(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    info = doc.get("info", {})
    servers = [s.get("url", "") for s in doc.get("servers", [])]
    top_security = doc.get("security")
    operations = []
    for template, item in doc.get("paths", {}).items():
        shared_params = item.get("parameters", [])
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            params = shared_params + op.get("parameters", [])
            operations.append({
                "method": method.upper(),
                "path": template,
                "operation": op.get("operationId", ""),
                "tag": (op.get("tags") or [""])[0],
                "scopes": scopes_of(op.get("security", top_security)),
                "path_params": [p["name"] for p in params if p.get("in") == "path"],
                "statuses": sorted(op.get("responses", {}).keys()),
            })
    declared = set()
    for scheme in doc.get("components", {}).get("securitySchemes", {}).values():
        for flow in scheme.get("flows", {}).values():
            declared.update(flow.get("scopes", {}).keys())
    json.dump({
        "source": "sipgate REST API OpenAPI %s document, info.version %s, server %s"
                  % (doc.get("openapi", "?"), info.get("version", "?"), ", ".join(servers)),
        "fields": "method, path (template under the API base), operation (operationId), tag, "
                  "scopes (the operation's oauth2 security list; 'all' is listed beside the "
                  "specific ones), path_params, statuses (documented response codes)",
        "declared_scopes": sorted(declared),
        "operations": operations,
    }, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: regenerate.py OPENAPI.json > operations.json")
    main(sys.argv[1])
