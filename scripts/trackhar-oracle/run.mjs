// Runs tweasel TrackHAR 1.0.0 over HAR files and writes what it reports per
// request: the golden files tests/decode_endpoints.rs compares Telltale with.
//
// Usage: npm ci && node run.mjs OUT_DIR HAR...
// Writes OUT_DIR/<har name without .har>.trackhar.json:
// {trackhar, har, entries: [{index, adapter, properties, findings: [[property, context, path, value]]}]}
// (`index` is the 0-based HAR entry; `value` is TrackHAR's text of the value, cut to 200 characters).
// Entries are run one by one: TrackHAR throws on a whole HAR when one URL
// does not parse (relative URLs in some producers' HARs); such entries are
// listed under `errors` instead.

import { process as trackhar } from 'trackhar';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const [outDir, ...hars] = process.argv.slice(2);
if (!outDir || hars.length === 0) {
    console.error('usage: node run.mjs OUT_DIR HAR...');
    process.exit(2);
}
const version = JSON.parse(fs.readFileSync(new URL('./node_modules/trackhar/package.json', import.meta.url))).version;
const text = (v) => (typeof v === 'string' ? v : JSON.stringify(v)).slice(0, 200);
fs.mkdirSync(outDir, { recursive: true });
for (const file of hars) {
    let bytes = fs.readFileSync(file);
    if (file.endsWith('.zhar')) bytes = zlib.inflateSync(bytes);
    const har = JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, ''));
    const entries = [];
    const errors = [];
    for (const [index, entry] of har.log.entries.entries()) {
        let findings;
        try {
            [findings] = await trackhar({ log: { ...har.log, entries: [entry] } });
        } catch (error) {
            errors.push({ index, error: String(error.message ?? error) });
            continue;
        }
        if (!findings || findings.length === 0) continue;
        entries.push({
            index,
            adapter: findings[0].adapter,
            properties: [...new Set(findings.map((f) => f.property))].sort(),
            findings: findings.map((f) => [f.property, f.context, f.path, text(f.value)]),
        });
    }
    const name = path.basename(file).replace(/\.z?har$/, '');
    const out = path.join(outDir, `${name}.trackhar.json`);
    fs.writeFileSync(out, JSON.stringify({ trackhar: version, har: path.basename(file), entries, errors }, null, 1) + '\n');
    console.error(`${file}: TrackHAR reports on ${entries.length} of ${har.log.entries.length} requests${errors.length ? `, fails on ${errors.length}` : ''} → ${out}`);
}
