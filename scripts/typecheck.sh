#!/usr/bin/env bash
# `npm run typecheck`: the Node and the browser type checks at once. They share no output and each
# keeps one core busy for 5-8 s, so on a 2-core machine running them side by side saves that much
# of every `npm test` (issue 13). Both always run; the exit code fails if either failed.
set -u
tsc -p tsconfig.json --noEmit &
node_check=$!
tsc -p tsconfig.browser.json --noEmit
browser=$?
wait "$node_check"
node=$?
exit $((node != 0 || browser != 0))
