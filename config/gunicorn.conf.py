"""gunicorn settings for every way the product is served (``make run`` and the README's production command).

Bind address and worker count stay on the command line; what the application depends on lives here.
"""

# Seeds 000/001 name the upload header ``X-SZN_DESCRIPTION``. gunicorn drops header names with an
# underscore by default, because ``X_Forwarded_For`` and ``X-Forwarded-For`` land on one environ key
# and a client could smuggle one past a proxy that only strips the other. Map them ("dangerous"), then
# drop every underscore name but the seed's own before the environ is built (``pre_request`` runs first).
header_map = "dangerous"
UNDERSCORE_HEADERS = frozenset({"X-SZN_DESCRIPTION"})

threads = 4
accesslog = "-"
# Access lines carry the full URI (?accountSecret=...): every line goes out redacted.
logger_class = "core.logredact.RedactingGunicornLogger"
graceful_timeout = 5


def pre_request(worker, req) -> None:
    req.headers = [(name, value) for name, value in req.headers if "_" not in name or name in UNDERSCORE_HEADERS]
    worker.log.debug("%s %s", req.method, req.path)
