#!/usr/bin/env bash
# Starts the platform emulator (emulator/cli.js, with the arguments given) in the background for
# the rest of the job, waits until it answers GET /config, and writes to $GITHUB_OUTPUT:
#   url    the API URL, http://127.0.0.1:<free port>/api/v1
#   origin its origin, where the control API (/_emulator/...) is
#   token  the user's auth token (masked first)
# The runner ends the process when the job completes, after every post step: the action's post
# step still reaches it. Runs under bash on Linux, macOS and Windows (Git Bash); JSON is read
# with node, which every job here has, rather than jq.
set -euo pipefail

info="$RUNNER_TEMP/emulator.json"
log="$RUNNER_TEMP/emulator.log"
: > "$info"
node emulator/cli.js "$@" < /dev/null > "$info" 2> "$log" &

field() {
  node -e 'const fs = require("fs"); const info = JSON.parse(fs.readFileSync(process.argv[1], "utf8")); process.stdout.write(String(info[process.argv[2]]))' "$info" "$1"
}

for _ in $(seq 150); do
  if [ -s "$info" ]; then break; fi
  sleep 0.2
done
if [ ! -s "$info" ]; then
  echo "::error::The emulator did not start within 30 s"
  cat "$log" >&2
  exit 1
fi

token=$(field token)
echo "::add-mask::$token"
url=$(field url)

# Listening is not answering: ask until it does.
for attempt in $(seq 30); do
  if curl -fsS "$url/config" > /dev/null; then break; fi
  if [ "$attempt" = 30 ]; then
    echo "::error::The emulator at $url does not answer GET /config"
    cat "$log" >&2
    exit 1
  fi
  sleep 1
done

{
  echo "url=$url"
  echo "origin=${url%/api/v1}"
  echo "token=$token"
} >> "$GITHUB_OUTPUT"
echo "Emulator at $url ($*)"
