-- wrk script for bench/serve-load.sh: POSTs the file named by $BODY_FILE with Content-Type $BODY_TYPE.
local f = assert(io.open(os.getenv("BODY_FILE"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = os.getenv("BODY_TYPE") or "image/png"
