# nginx.sh: start a private nginx for the audit tests and benchmark. Source it, then
#   nginx_start ROOT WORKDIR [EXTRA_SERVER_DIRECTIVES]   -> sets NGINX_PORT, NGINX_LOG
#   nginx_stop
# NGINX_LISTEN_OPTS (e.g. "ssl http2") is added to the listen directive.
# It listens on 127.0.0.1 only, on a free port, with gzip on, ETags, and its pid,
# error log, access log and temp folders in WORKDIR. The access log has one line
# per request: "<unix time> <method> <uri> <status> <user agent> <protocol>".

nginx_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

nginx_start() {
  local root=$1 dir=$2 extra=${3:-}
  mkdir -p "$dir/tmp"
  NGINX_PORT=$(nginx_free_port)
  NGINX_LOG=$dir/access.log
  NGINX_DIR=$dir
  local user_line=""
  [ "$(id -u)" -eq 0 ] && user_line="user root;"
  cat >"$dir/nginx.conf" <<CONF
$user_line
daemon off;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 1024; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  log_format provcheck '\$msec \$request_method \$request_uri \$status "\$http_user_agent" \$server_protocol';
  access_log $dir/access.log provcheck;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  keepalive_requests 100000;
  gzip on;
  gzip_min_length 1;
  gzip_types text/xml application/xml;
  server {
    listen 127.0.0.1:$NGINX_PORT ${NGINX_LISTEN_OPTS:-};
    root $root;
    $extra
  }
}
CONF
  nginx -c "$dir/nginx.conf" -p "$dir" 2>"$dir/start.err" &
  NGINX_PID=$!
  local i
  for i in $(seq 1 50); do
    if python3 -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1',$NGINX_PORT)))" 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  echo "nginx did not start:" >&2
  cat "$dir/start.err" "$dir/error.log" >&2 2>/dev/null
  return 1
}

nginx_stop() {
  if [ -n "${NGINX_PID:-}" ]; then
    kill "$NGINX_PID" 2>/dev/null
    wait "$NGINX_PID" 2>/dev/null
    NGINX_PID=""
  fi
}
