#!/usr/bin/env python3
"""Opens C# files in csharp-ls (as an editor would) and prints the errors it reports.

Usage: lsp_check.py --server PATH/csharp-ls --root REPO [--solution Trainer.Analyzers.sln]
                    [--wait 240] FILE_OR_FOLDER...
Speaks LSP over stdio: initialize (analyzers on), open every .cs file given, then collects the
diagnostics the server publishes (push) and asks for them (pull) until they settle.
Exit code: 0 no error, 1 errors reported, 2 the server could not be driven.
"""
import argparse, json, os, pathlib, queue, subprocess, sys, threading, time

def frame(msg):
    body = json.dumps(msg).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n" % len(body) + body

def reader(stream, out):
    while True:
        headers = {}
        while True:
            line = stream.readline()
            if not line:
                out.put(None)
                return
            line = line.decode("ascii", "replace").strip()
            if not line:
                break
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        n = int(headers.get("content-length", "0"))
        out.put(json.loads(stream.read(n)))

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("--solution")
    ap.add_argument("--wait", type=float, default=240, help="seconds to wait for the solution to load and diagnostics to settle")
    ap.add_argument("--settle", type=float, default=20, help="seconds without new diagnostics that count as settled")
    ap.add_argument("--all", action="store_true", help="print warnings and hints too")
    ap.add_argument("--server-arg", action="append", default=[], help="extra argument for the server (repeatable)")
    ap.add_argument("--server-log", help="write the server's standard error and log messages here")
    ap.add_argument("paths", nargs="+")
    a = ap.parse_args()

    root = pathlib.Path(a.root).resolve()
    files = []
    for p in a.paths:
        p = (root / p).resolve() if not os.path.isabs(p) else pathlib.Path(p)
        files += sorted(x for x in p.rglob("*.cs") if "/obj/" not in str(x) and "/bin/" not in str(x)) if p.is_dir() else [p]
    if not files:
        print("lsp-check: no .cs files to open", file=sys.stderr)
        return 2

    cmd = [a.server] + (["--solution", a.solution] if a.solution else []) + a.server_arg
    proc = subprocess.Popen(cmd, cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=open(a.server_log, "wb") if a.server_log else subprocess.DEVNULL)
    inbox = queue.Queue()
    threading.Thread(target=reader, args=(proc.stdout, inbox), daemon=True).start()
    next_id = [0]
    settings = {"csharp": {"analyzersEnabled": True, **({"solution": a.solution} if a.solution else {})}}

    def send(msg):
        proc.stdin.write(frame(msg)); proc.stdin.flush()

    def request(method, params):
        next_id[0] += 1
        send({"jsonrpc": "2.0", "id": next_id[0], "method": method, "params": params})
        return next_id[0]

    diagnostics = {}  # uri -> list
    responses = {}
    last_change = [time.time()]

    def pump(timeout):
        try:
            msg = inbox.get(timeout=timeout)
        except queue.Empty:
            return True
        if msg is None:
            return False
        if "method" in msg and "id" in msg:  # a request from the server
            result = None
            if msg["method"] == "workspace/configuration":
                result = [settings.get(i.get("section", ""), settings) if i.get("section") != "csharp" else settings["csharp"]
                          for i in msg["params"]["items"]]
            send({"jsonrpc": "2.0", "id": msg["id"], "result": result})
        elif msg.get("method") == "textDocument/publishDiagnostics":
            diagnostics[msg["params"]["uri"]] = msg["params"]["diagnostics"]
            last_change[0] = time.time()
        elif "id" in msg:
            responses[msg["id"]] = msg
        return True

    init = request("initialize", {
        "processId": os.getpid(), "rootUri": root.as_uri(), "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
        "initializationOptions": settings,
        "capabilities": {"workspace": {"configuration": True},
                         "textDocument": {"publishDiagnostics": {}, "diagnostic": {"dynamicRegistration": False}}}})
    deadline = time.time() + a.wait
    while init not in responses:
        if not pump(1) or time.time() > deadline:
            print("lsp-check: the server did not answer initialize", file=sys.stderr)
            return 2
    pull = bool(responses[init].get("result", {}).get("capabilities", {}).get("diagnosticProvider"))
    send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    send({"jsonrpc": "2.0", "method": "workspace/didChangeConfiguration", "params": {"settings": settings}})
    for f in files:
        send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": f.as_uri(), "languageId": "csharp", "version": 1, "text": f.read_text(encoding="utf-8-sig")}}})

    # Until the solution is loaded, pulls answer with nothing: keep pulling until every file's
    # answer is stable for --settle seconds, or the wait runs out.
    last_change[0] = time.time()
    while time.time() < deadline:
        if pull:
            ids = {request("textDocument/diagnostic", {"textDocument": {"uri": f.as_uri()}}): f.as_uri() for f in files}
            t = time.time() + 60
            while any(i not in responses for i in ids) and time.time() < t:
                if not pump(1):
                    break
            for i, uri in ids.items():
                items = responses.pop(i, {}).get("result", {}) or {}
                items = items.get("items", [])
                if items != diagnostics.get(uri, []) and (items or uri not in diagnostics):
                    diagnostics[uri] = items
                    last_change[0] = time.time()
        end = time.time() + 5
        while time.time() < end:
            if not pump(0.5):
                break
        loaded = any(d for d in diagnostics.values())
        if loaded and time.time() - last_change[0] >= a.settle:
            break

    request("shutdown", None)
    send({"jsonrpc": "2.0", "method": "exit"})
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()

    errors = 0
    for uri in sorted(diagnostics):
        for d in diagnostics[uri]:
            severity = {1: "error", 2: "warning", 3: "info", 4: "hint"}.get(d.get("severity"), "?")
            errors += severity == "error"
            if severity == "error" or a.all:
                rel = os.path.relpath(uri.replace("file://", ""), root)
                line = d["range"]["start"]["line"] + 1
                col = d["range"]["start"]["character"] + 1
                print(f"{rel}({line},{col}): {severity} {d.get('code', '')}: {d['message']}")
    shown = sum(len(v) for v in diagnostics.values())
    print(f"lsp-check: {len(files)} files opened, {shown} diagnostics, {errors} errors")
    return 1 if errors else 0

if __name__ == "__main__":
    sys.exit(main())
