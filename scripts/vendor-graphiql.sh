#!/usr/bin/env bash
# Re-creates assets/graphiql/ from the npm registry: the GraphiQL page's scripts, styles and
# licences at pinned versions, which the binary embeds (src/http/graphiql.rs) so the page works
# without internet access. To upgrade, change a version here and in src/http/graphiql.rs, run
# this, and check the page (tests/api/graphiql.rs loads it in Chromium).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

GRAPHIQL=4.1.2 # the last major with a UMD build (5.x is ESM with Monaco)
REACT=18.3.1   # the last React with UMD builds (19 dropped them)

OUT=assets/graphiql
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

(cd "$TMP" && npm pack --silent "graphiql@$GRAPHIQL" "react@$REACT" "react-dom@$REACT" >/dev/null)
for tarball in "$TMP"/*.tgz; do
    mkdir -p "${tarball%.tgz}"
    tar xzf "$tarball" -C "${tarball%.tgz}"
done

rm -rf "$OUT"
mkdir -p "$OUT"
G=$TMP/graphiql-$GRAPHIQL/package
R=$TMP/react-$REACT/package
D=$TMP/react-dom-$REACT/package
cp "$G/graphiql.min.js" "$G/graphiql.min.css" "$OUT/"
cp "$R/umd/react.production.min.js" "$D/umd/react-dom.production.min.js" "$OUT/"
cp "$G/LICENSE" "$OUT/LICENSE.graphiql"
cp "$R/LICENSE" "$OUT/LICENSE.react"
cp "$D/LICENSE" "$OUT/LICENSE.react-dom"
# The bundle points to a source map that is not shipped.
sed -i '\|^//# sourceMappingURL=|d' "$OUT/graphiql.min.js"

{
    echo "# GraphiQL, vendored"
    echo
    echo "Served by \`GET /graphql\` in a browser from the binary itself (src/http/graphiql.rs), so the"
    echo "page works offline. Made by scripts/vendor-graphiql.sh from the npm registry; do not edit."
    echo
    echo "| file | from | licence |"
    echo "|---|---|---|"
    echo "| graphiql.min.js, graphiql.min.css | graphiql@$GRAPHIQL (UMD build; bundles @graphiql/react, graphql-js, CodeMirror 5 and their MIT-licensed dependencies) | MIT, LICENSE.graphiql |"
    echo "| react.production.min.js | react@$REACT, umd/ | MIT, LICENSE.react |"
    echo "| react-dom.production.min.js | react-dom@$REACT, umd/ | MIT, LICENSE.react-dom |"
    echo
    echo "npm tarball integrity:"
    echo
    for spec in "graphiql@$GRAPHIQL" "react@$REACT" "react-dom@$REACT"; do
        echo "- $spec: $(npm view "$spec" dist.integrity)"
    done
    echo
    echo "SHA-256 of the files:"
    echo
    echo '```'
    (cd "$OUT" && sha256sum graphiql.min.js graphiql.min.css react.production.min.js react-dom.production.min.js)
    echo '```'
} >"$OUT/README.md"
echo "assets/graphiql: graphiql $GRAPHIQL, react $REACT"
