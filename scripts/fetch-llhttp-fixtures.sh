#!/usr/bin/env bash
# Fetches llhttp's request fixtures and its MIT license at one commit into test/fixtures/llhttp/,
# for test/wire/llhttp-fixtures.test.ts. Usage: scripts/fetch-llhttp-fixtures.sh <commit sha>
set -euo pipefail
commit="${1:?usage: $0 <llhttp commit sha>}"
here="$(cd "$(dirname "$0")/.." && pwd)/test/fixtures/llhttp"
base="https://raw.githubusercontent.com/nodejs/llhttp/${commit}"
for name in sample connection content-length transfer-encoding invalid pipelining method uri; do
  curl -fsSL "${base}/test/request/${name}.md" -o "${here}/${name}.md"
done
curl -fsSL "${base}/LICENSE-MIT" -o "${here}/LICENSE-llhttp" || curl -fsSL "${base}/LICENSE" -o "${here}/LICENSE-llhttp"
sed -i "s/^Source commit: .*/Source commit: nodejs\/llhttp@${commit}/" "${here}/README.md"
echo "fetched llhttp ${commit} into ${here}; now run: npm run build && npx mocha --no-config dist/test/wire/llhttp-fixtures.test.js"
