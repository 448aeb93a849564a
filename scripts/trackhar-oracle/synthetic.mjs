// Writes a synthetic HAR with one realistic request per TrackHAR 1.0.0
// adapter (tests/fixtures/trackhar/synthetic.har), so the oracle test
// exercises every adapter, not only those real captures happen to hold.
//
// Each request is built from the format as the adapter documents it: every
// data path it names gets a plausible value for its property, and the
// encodings its decoding steps undo are applied in reverse (JSON, query
// strings, base64, gzip, protobuf, JWT, URL encoding). Deterministic: no
// clock, no randomness; gzip output is fixed by zlib's defaults.
// Binary bodies are written the way mitmproxy's HAR export writes them:
// one character per byte (latin-1).
//
// Usage: npm ci && node synthetic.mjs [out.har]

import { adapters } from 'trackhar';
import qs from 'qs';
import fs from 'node:fs';
import zlib from 'node:zlib';

const OUT = process.argv[2] ?? new URL('../../tests/fixtures/trackhar/synthetic.har', import.meta.url).pathname;

// A plausible value per property (strings; TrackHAR and Telltale both read text).
const VALUES = {
    accelerometerX: '0.12', accelerometerY: '9.78', accelerometerZ: '0.31',
    advertisingId: '1209d0b9-b959-42e6-b921-aa5d9d08c1af',
    appId: 'tld.sample.app', appName: 'Sample App', appVersion: '23.13.1',
    architecture: 'arm64-v8a', batteryLevel: '0.87',
    browserId: 'b7c1f0e2-5a44-4c1e-9d7a-3f2b8e6a9c01',
    browserWindowHeight: '820', browserWindowWidth: '1280',
    campaignCreative: 'spring_banner_300x250', campaignCreativePosition: 'top',
    campaignMedium: 'cpc', campaignName: 'spring_sale', campaignSource: 'newsletter', campaignTerm: 'running shoes',
    carrier: 'T-Mobile', consentState: 'CPzHq4APzHq4AAHABBENC-CgAP_AAH_AAAqIHJNd_X__bX9n-_7_6ft0eY1f9_r37uQzDhfNs-8F3L_W_LwX32E7NF36tq4KmR4ku1bBIQNtHMnUDUmxaolVrzHsak2cpyNKJ_BkknsZe2dYGF9Pn9lD-YKZ7_5_9_f52T_9_9_-39z3_9f___dv_-__-vjf_599n_v9fV_78_Kf9______-____________8A',
    country: 'DE', currency: 'EUR', developerScopedId: '6f1c2d3e-4b5a-6978-8a9b-0c1d2e3f4a5b',
    deviceId: 'ad2140b6-25f1-42d7-b45c-4c0e224ca64f', deviceName: 'Pixel 6',
    diskFree: '6054068224', diskTotal: '124356542464', diskUsed: '118302474240',
    errorInformation: 'java.lang.RuntimeException: Error getting token',
    hashedAdvertisingId: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    installTime: '1679329000000', installationId: 'fYl2fH1cQmS9x7vK3pT0aB',
    interactedElement: 'buy-button', isAutomated: 'false', isCharging: 'true', isConversion: 'true',
    isDntEnabled: 'false', isEmulator: 'false', isFirstLaunch: 'true', isInDarkMode: 'false',
    isInForeground: 'true', isJsEnabled: 'true', isMobileDevice: 'true', isRoaming: 'false',
    isRooted: 'false', isUserActive: 'true', isUserInactive: 'false',
    language: 'en_US', lastActivityTime: '1679330124000', latitude: '52.5200', localIp: '192.168.178.23',
    longitude: '13.4050', macAddress: '3c:22:fb:12:34:56', manufacturer: 'Google', model: 'Pixel 6',
    networkConnectionType: 'wifi', orientation: 'portrait', osName: 'android', osVersion: '13',
    otherIdentifiers: 'c0ffee00-1234-4abc-8def-0123456789ab', pageHeight: '4200', pageWidth: '1280',
    propertyId: 'G-ABC123XYZ9', publicIp: '203.0.113.42',
    pushNotificationToken: 'fcm-token-cR1pQ2sT3uV4wX5yZ6a7b8c9d0e1f2g3h4i5j6k7l8m9n0',
    ramFree: '1099014144', ramTotal: '2061852672', ramUsed: '962838528',
    referer: 'https://news.example.org/article/42', revenue: '4.99',
    rotationX: '0.01', rotationY: '0.02', rotationZ: '0.03', screenColorDepth: '24',
    screenHeight: '2214', screenWidth: '1080', scrollPositionX: '0', scrollPositionY: '640',
    segment: 'sports_fans', sessionCount: '7', sessionDuration: '15275',
    sessionId: 'ea5d71aa-0ecc-4d81-ac29-e7dedf9d0a43', signalStrengthCellular: '-97', signalStrengthWifi: '-54',
    startTime: '1679330124304', state: 'BE', timeSpent: '15275', timezone: 'Europe/Berlin',
    trackerSdkVersion: '5.28.4', uptime: '86400', userAction: 'purchase', userActionSource: 'checkout_screen',
    userActiveTime: '1200', userAgent: 'Mozilla/5.0 (Linux; Android 13; Pixel 6) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/112.0 Mobile Safari/537.36',
    userGender: 'f', userId: '7d5a6fd0d53a566b', userInterests: 'running,travel',
    viewedPage: 'https://news.example.org/article/42', viewedPageCategory: 'IAB17', viewedPageKeywords: 'running,marathon',
    viewedPageLanguage: 'en', volume: '0.6', websiteName: 'news.example.org', websiteUrl: 'https://news.example.org',
};

/**
 * The `n`-th variant of a sample value, so that every path of a request
 * holds a value of its own and a value found proves the path was read:
 * numbers count up, ids and texts get a suffix; booleans stay as they are.
 */
function variant(value, n) {
    if (n === 0 || value === 'true' || value === 'false') return value;
    if (/^-?\d+$/.test(value)) return String(Number(value) + n);
    if (/^-?\d+\.\d+$/.test(value)) {
        const digits = value.split('.')[1].length;
        return (Number(value) + n / 10 ** digits).toFixed(digits);
    }
    if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(value)) {
        return value.slice(0, -4) + n.toString(16).padStart(4, '0');
    }
    if (/^https?:\/\//.test(value)) return `${value}?v=${n}`;
    if (value.length <= 3) return value;
    return `${value}-${n}`;
}

let pathCounter = 0;

/** A value for `property` that passes the path's onlyIf/notIf. */
function valueFor(property, dp) {
    let value = VALUES[property];
    if (value === undefined) throw new Error(`no sample value for ${property}`);
    value = variant(value, pathCounter++);
    const only = dp.onlyIf;
    if (only !== undefined) {
        const ok = (v) => (only instanceof RegExp ? only.test(v) : v === only);
        const fallbacks = [value, 'DBABMA~CPzHq4APzHq4AAHABBENC', 'tld.sample.app', 'G-ABC123XYZ9', 'fire-core/20.3.0'];
        value = fallbacks.find(ok) ?? value;
    }
    return value;
}

// ---------------------------------------------------------------------
// Setting values at TrackHAR paths inside the decoded tree.

function setAt(root, segments, value) {
    let node = root;
    for (let i = 0; i < segments.length; i++) {
        const last = i === segments.length - 1;
        let seg = segments[i];
        if (seg === '*') seg = 0;
        const nextIsArray = !last && segments[i + 1] === '*';
        if (typeof node !== 'object' || node === null) return false;
        if (last) {
            if (node[seg] !== undefined && typeof node[seg] === 'object') return false;
            if (node[seg] === undefined) node[seg] = value;
            return true;
        }
        if (node[seg] === undefined) node[seg] = nextIsArray ? [] : {};
        node = node[seg];
    }
    return true;
}

/** Where a data path writes into the decoded namespace `vars.res[context]`. */
function place(vars, property, dp) {
    const context = dp.context;
    vars.res[context] ??= {};
    const root = vars.res[context];
    const value = valueFor(property, dp);
    const p = dp.path;
    let m;
    if ((m = /^\$\[\?\(@property === "([^"]+)" && (!?)@\.match\(\/(.+)\/(\w*)\)\)\]$/.exec(p))) {
        // The `!`-variant is written by the second request (VARIANTS).
        if (m[2] !== '!') root[m[1]] = `ifa:${VALUES.advertisingId}`;
        return null;
    }
    if ((m = /^\$\[\?\(@property\.match\(\/\^(\w+)\\d\+(\w+)\$\/\)\)\]$/.exec(p))) {
        root[`${m[1]}1${m[2]}`] = value;
        return null;
    }
    if ((m = /^\$\[\?\(@property\.match\(\/\^(\w+)\.\*_(\d)\$\/i\)\)\]$/.exec(p))) {
        root[`${m[1]}pubcid.org_${m[2]}`] = value;
        return null;
    }
    if ((m = /^\$\[\?\(@property\.startsWith\("([^"]+)"\)\)\]$/.exec(p))) {
        root[`${m[1]}demo`] = value;
        return null;
    }
    if ((m = /^\$\["([^"]+)"\]$/.exec(p))) {
        root[m[1]] = value;
        return null;
    }
    if ((m = /^\$\.ae\.\.events\[\?\(@\.identifier == '(\w+)' && @\.state == '(\w+)'\)\]\.(\w+)$/.exec(p))) {
        root.ae ??= {};
        root.ae.events ??= [];
        const v = m[3] === 'timestamp' ? 1679330124 : m[3] === 'state' ? m[2] : 'news/article';
        root.ae.events.push({ identifier: m[1], state: m[2], [m[3]]: v });
        return null;
    }
    if ((m = /^(\w+)\[\?\(@\.type === '(\w+)'\)\]\.(\w+)$/.exec(p))) {
        root[m[1]] = [{ type: m[2], [m[3]]: value }];
        return null;
    }
    if (p.startsWith('$.x-firebase-client')) return null; // written by the request builder
    if (p === '$') return null; // the URL path: written by the request builder
    const segments = p.replace(/^\$\.?/, '').split('.');
    if (!setAt(root, segments, value)) return `path ${p} collides with another path of the same request`;
    return null;
}

// ---------------------------------------------------------------------
// Encodings (the inverse of TrackHAR's decoding steps).

const b64 = (binary) => Buffer.from(binary, 'binary').toString('base64');
const gzip = (binary) => zlib.gzipSync(Buffer.from(binary, 'binary'), { level: 6 }).toString('binary');
const utf8Binary = (text) => Buffer.from(text, 'utf8').toString('binary');

function varint(n) {
    const out = [];
    let v = BigInt(n);
    do {
        let byte = Number(v & 0x7fn);
        v >>= 7n;
        if (v > 0n) byte |= 0x80;
        out.push(byte);
    } while (v > 0n);
    return out;
}

/** Schema-less protobuf: numeric keys; objects → messages, arrays → repeated, integers → varints, text → bytes. */
function protobuf(obj) {
    const out = [];
    for (const [key, raw] of Object.entries(obj)) {
        const number = Number(key);
        if (!Number.isInteger(number) || number < 1) throw new Error(`protobuf key ${key}`);
        // A field named with `*` is repeated: sent twice, so TrackHAR's
        // schema-less decoder makes it an array as the path expects.
        const values = Array.isArray(raw) ? (raw.length === 1 ? [raw[0], raw[0]] : raw) : [raw];
        for (const value of values) {
            if (typeof value === 'object') {
                const inner = protobuf(value);
                out.push(...varint((number << 3) | 2), ...varint(inner.length), ...inner);
            } else if (/^\d{1,15}$/.test(String(value)) && typeof value !== 'string') {
                out.push(...varint(number << 3), ...varint(value));
            } else {
                const bytes = [...Buffer.from(String(value), 'utf8')];
                out.push(...varint((number << 3) | 2), ...varint(bytes.length), ...bytes);
            }
        }
    }
    return out;
}
const protobufBinary = (obj) => Buffer.from(protobuf(obj)).toString('binary');

const b64url = (text) => Buffer.from(text, 'utf8').toString('base64url');
const jwt = (payload) => `${b64url('{"alg":"RS256","kid":"3f2a","typ":"JWT"}')}.${b64url(JSON.stringify(payload))}.c2lnbmF0dXJlLW5vdC1jaGVja2Vk`;

const queryString = (obj) => qs.stringify(obj, { encodeValuesOnly: false });

function getIn(root, dotted) {
    let node = root;
    for (const seg of dotted.split('.')) {
        if (node === undefined || node === null) return undefined;
        node = node[seg];
    }
    return node;
}
function setIn(root, dotted, value) {
    const segs = dotted.split('.');
    let node = root;
    for (const seg of segs.slice(0, -1)) {
        node[seg] ??= {};
        node = node[seg];
    }
    node[segs.at(-1)] = value;
}
function deleteIn(root, dotted) {
    const segs = dotted.split('.');
    const parent = getIn(root, segs.slice(0, -1).join('.')) ?? (segs.length === 1 ? root : undefined);
    if (parent) delete parent[segs.at(-1)];
}

/**
 * Undoes the adapter's decoding steps from last to first: every output is
 * encoded back into its input. Steps on `mapInput` and JSONPath filters are
 * the adapters the request builders below handle themselves.
 */
function encodeSteps(a, vars) {
    const steps = [...a.decodingSteps].reverse();
    for (const step of steps) {
        if ('mapInput' in step) throw new Error(`${a.slug}: mapInput step needs a builder`);
        const value = step.output.startsWith('res.') || step.output in vars ? getIn(vars, step.output) : undefined;
        if (value === undefined) continue;
        let encoded;
        switch (step.function) {
            case 'parseJson':
                encoded = typeof value === 'string' ? value : utf8Binary(JSON.stringify(value));
                break;
            case 'parseQueryString':
                encoded = queryString(value);
                // Parameters named after URLs hold URLs (TrackHAR's
                // parseQueryString drops everything up to the `?`).
                if (/\.(url|cb)$/.test(step.input)) encoded = `https://partner.example.com/sync?${encoded}`;
                break;
            case 'decodeBase64':
                encoded = b64(value);
                break;
            case 'gunzip':
                encoded = gzip(value);
                break;
            case 'decodeUrl':
                encoded = encodeURIComponent(value);
                break;
            case 'decodeProtobuf':
                encoded = protobufBinary(value);
                break;
            case 'decodeJwt':
                encoded = jwt(value);
                break;
            case 'ensureArray':
                encoded = value;
                break;
            case 'getProperty': {
                if (step.options?.path === '$') encoded = value;
                else if (/^[\w-]+$/.test(step.options?.path ?? '')) {
                    const container = getIn(vars, step.input) ?? {};
                    if (typeof container === 'object') container[step.options.path] = value;
                    setIn(vars, step.input, container);
                    deleteIn(vars, step.output);
                    continue;
                } else throw new Error(`${a.slug}: getProperty ${step.options?.path} needs a builder`);
                break;
            }
            default:
                throw new Error(`${a.slug}: no inverse for ${step.function}`);
        }
        if (step.input !== step.output) deleteIn(vars, step.output);
        setIn(vars, step.input, encoded);
    }
}

// ---------------------------------------------------------------------
// Requests.

/** The first URL an adapter lists, or one its pattern accepts. */
function urlFor(a) {
    const examples = {
        'adcolony/configure': 'https://androidads4-6.adcolony.com/configure',
        'adjust/body': 'https://app.adjust.com/session',
        'adjust/qs': 'https://app.adjust.com/attribution',
        'branch-io/v1': 'https://api2.branch.io/v1/install',
        'facebook/graph-activities-json': 'https://graph.facebook.com/v16.0/138566025676/activities',
        'facebook/graph-activities-qs': 'https://graph.facebook.com/v16.0/138566025676/activities',
        'facebook/graph': 'https://graph.facebook.com/v16.0',
        'facebook/adnw-sync2': 'https://www.facebook.com/adnw_sync2',
        'google/firebaseinstallations': 'https://firebaseinstallations.googleapis.com/v1/projects/sample-app-1234/installations',
        'google/firebaseremoteconfig': 'https://firebaseremoteconfig.googleapis.com/v1/projects/123456789012/namespaces/firebase:fetch',
        'id5/g-v2-json': 'https://id5-sync.com/g/v2/1234.json',
        'id5/cookie-sync-gif': 'https://id5-sync.com/s/1234/5.gif',
        'onesignal/players': 'https://onesignal.com/api/v1/players',
        'openx/w-1-0-cm': 'https://us-u.openx.net/w/1.0/cm',
        'openx/w-1-0-sd': 'https://us-u.openx.net/w/1.0/sd',
        'openx/w-1-0-pd': 'https://us-u.openx.net/w/1.0/pd',
        'outbrain/zemanta-usersync': 'https://b1sync.zemanta.com/usersync/pubmatic',
        'pubmatic/adserver-pug': 'https://image8.pubmatic.com/AdServer/Pug',
        'pubmatic/adserver-pugmaster': 'https://simage2.pubmatic.com/AdServer/PugMaster',
        'pubmatic/adserver-spug': 'https://image6.pubmatic.com/AdServer/SPug',
        'pubmatic/adserver-ucookiesetpug': 'https://image2.pubmatic.com/AdServer/UCookieSetPug',
        'vungle/api-new': 'https://api.vungle.com/api/v5/new',
        'google/google-publisher-tag': 'https://securepubads.g.doubleclick.net/tag/js/gpt.js',
    };
    const key = `${a.tracker.slug}/${a.slug}`;
    if (examples[key]) return examples[key];
    const first = a.endpointUrls.find((u) => typeof u === 'string');
    if (!first) throw new Error(`${key}: needs an example URL`);
    return first;
}

/** Builds the request parts from the decoded namespace. */
function build(a, misses, variant) {
    const key = `${a.tracker.slug}/${a.slug}`;
    const vars = { res: {}, variant };
    pathCounter = 0;
    for (const [property, paths] of Object.entries(a.containedDataPaths)) {
        for (const dp of [paths].flat()) {
            const problem = place(vars, property, dp);
            if (problem && !variant) misses.push({ adapter: key, property, context: dp.context, path: dp.path, reason: `synthetic request: ${problem}` });
        }
    }
    const custom = BUILDERS[key];
    if (custom) custom(vars);
    else encodeSteps(a, vars);
    const url = urlFor(a);
    let query = vars.query ?? (vars.res.query ? queryString(vars.res.query) : undefined);
    if (typeof query === 'object') query = queryString(query);
    const headers = [];
    const header = vars.header ?? vars.res.header ?? {};
    const cookie = vars.cookie ?? vars.res.cookie ?? {};
    let body = vars.body ?? vars.res.body;
    let mime;
    if (body !== undefined && typeof body === 'object') body = utf8Binary(JSON.stringify(body));
    if (body !== undefined) {
        const steps = a.decodingSteps.filter((s) => s.input === 'body');
        const first = steps[0]?.function;
        mime = first === 'parseJson' ? 'application/json' : first === 'decodeProtobuf' ? 'application/x-protobuf' : 'application/x-www-form-urlencoded';
        if (vars.mime) mime = vars.mime;
    }
    for (const [name, value] of Object.entries(header)) {
        headers.push({ name, value: typeof value === 'object' ? JSON.stringify(value) : String(value) });
    }
    if (mime && !headers.some((h) => h.name.toLowerCase() === 'content-type')) headers.push({ name: 'Content-Type', value: mime });
    const cookies = Object.entries(cookie).map(([name, value]) => ({ name, value: typeof value === 'object' ? JSON.stringify(value) : String(value) }));
    if (cookies.length) headers.push({ name: 'Cookie', value: cookies.map((c) => `${c.name}=${c.value}`).join('; ') });
    const fullUrl = (vars.url ?? url) + (query ? `?${query}` : '');
    const method = body !== undefined ? 'POST' : 'GET';
    // Binary bodies as mitmproxy writes them: latin-1, one character per
    // byte; text bodies as text.
    let text;
    if (body !== undefined) {
        const bytes = Buffer.from(body, 'binary');
        const utf8 = bytes.toString('utf8');
        const isText = mime !== 'application/x-protobuf' && !vars.binary && Buffer.from(utf8, 'utf8').equals(bytes);
        text = isText ? utf8 : body;
    }
    return {
        method,
        url: fullUrl,
        httpVersion: 'HTTP/2.0',
        headers,
        cookies,
        queryString: query ? Object.entries(qs.parse(query)).filter(([, v]) => typeof v === 'string').map(([name, value]) => ({ name, value })) : [],
        ...(text !== undefined ? { postData: { mimeType: mime, text } } : {}),
        headersSize: -1,
        bodySize: text === undefined ? 0 : Buffer.byteLength(text, 'binary'),
    };
}

// Adapters whose decoding steps a generic inverse cannot undo
// (JSONPath filters, mapInput, split).
const BUILDERS = {
    'facebook/graph': (vars) => {
        const batch = vars.res.body.batch.map((params) => ({ method: 'GET', relative_url: `v16.0/138566025676/activities?${queryString(params)}` }));
        vars.body = JSON.stringify({ batch_app_id: '138566025676', batch: JSON.stringify(batch) });
    },
    'facebook/adnw-sync2': (vars) => {
        const body = vars.res.body;
        for (const k of ['VALPARAMS', 'ANALOG']) if (body.context?.[k]) body.context[k] = JSON.stringify(body.context[k]);
        vars.body = queryString({ payload: JSON.stringify(body) });
    },
    'google/googledatatransport-firelog-batchlog-json': (vars) => {
        const body = vars.res.body;
        const logRequest = body.logRequest ?? [{}];
        for (const [k, v] of Object.entries(body)) {
            if (!k.startsWith('logEvents_')) continue;
            const source = k.slice('logEvents_'.length);
            const jsonProto3 = ['FIREBASE_CRASHLYTICS_REPORT', 'FIREBASE_APPQUALITY_SESSION', 'FIREBASE_ML_LOG_SDK'].includes(source);
            const event = jsonProto3
                ? { eventTimeMs: '1679330124304', sourceExtensionJsonProto3: JSON.stringify(v[0]) }
                : { eventTimeMs: '1679330124304', sourceExtension: b64(protobufBinary(v[0])) };
            logRequest.push({ requestTimeMs: '1679330124400', logSourceName: source, logEvent: [event] });
            delete body[k];
        }
        body.logRequest = logRequest;
        vars.body = utf8Binary(JSON.stringify(body));
    },
    'google/googledatatransport-firelog-batchlog-protobuf': (vars) => {
        // TrackHAR's `1.1.4.6` needs a single log request (field 1 not
        // repeated), its per-source paths several: two requests.
        const body = vars.res.body;
        const numbers = { FIREPERF: 462, GDT_CLIENT_METRICS: 1710, FIREBASE_APPQUALITY_SESSION: 1974, FIREBASE_COREDIAGNOSTICS: 137, FIREBASE_ML_LOG_SDK: 1326 };
        const requests = [];
        for (const [k, v] of Object.entries(body)) {
            if (!k.startsWith('logEvents_')) continue;
            const source = k.slice('logEvents_'.length);
            requests.push({ 1: body['1'], 2: numbers[source], 3: [{ 1: 1679330124304, 6: v[0] }, { 1: 1679330124305, 6: v[0] }] });
            delete body[k];
        }
        if (vars.variant !== 'one log request') body['1'] = requests;
        vars.body = protobufBinary(JSON.parse(JSON.stringify(body)));
        vars.binary = true;
    },
    'google/firebaseinstallations': (vars) => {
        vars.body = utf8Binary(JSON.stringify(vars.res.body));
        const header = vars.res.header ?? {};
        const agent = 'fire-core/20.3.0 fire-installations/17.1.3 device-name/oriole device-brand/google device-model/oriole android-target-sdk/33 fire-android/33 device/Pixel_6';
        const decoded = { version: 2, heartbeats: [{ agent, dates: ['2023-03-20'] }] };
        header['x-firebase-client'] = b64(gzip(utf8Binary(JSON.stringify(decoded))));
        delete header['x-firebase-client-decoded'];
        vars.header = header;
        // The second request style (plain agent string) goes into its own entry.
        vars.extra = { ...header, 'x-firebase-client': agent };
    },
    'google/identitytoolkit-relyingparty-getaccountinfo-protobuf': (vars) => {
        const token = vars.res.body.idToken;
        delete vars.res.body.idToken;
        vars.res.body['1'] = jwt(token);
        vars.body = protobufBinary(vars.res.body);
        vars.header = vars.res.header;
    },
    'id5/gm-v3': (vars) => {
        const body = vars.res.body;
        const parsed = body.pdParsed ?? [];
        delete body.pdParsed;
        body.requests ??= [{}];
        if (parsed[0]) body.requests[0].pd = b64(queryString(parsed[0]));
        vars.body = utf8Binary(JSON.stringify(body));
    },
    'ironsource/logs': (vars) => {
        vars.query = queryString({ data: b64(utf8Binary(JSON.stringify(vars.res.body))) });
    },
    'facebook/graph-activities-qs': (vars) => {
        const { format, ...rest } = vars.res.body;
        rest.extinfo = JSON.stringify(rest.extinfo);
        vars.body = `format=json&${queryString(rest)}`;
    },
    'mopub/ads': (vars) => {
        if (vars.variant) vars.res.body.udid = `mopub:${VALUES.otherIdentifiers}`;
        vars.body = utf8Binary(JSON.stringify(vars.res.body));
    },
    'onesignal/players': (vars) => {
        vars.body = utf8Binary(JSON.stringify(vars.res.body));
        vars.url = `https://api.onesignal.com/players/${VALUES.browserId}`;
    },
};

// ---------------------------------------------------------------------

const misses = [];
const entries = [];
let second = 0;
const entryOf = (a, request, note) => ({
    startedDateTime: new Date(Date.UTC(2023, 3, 7, 12, 0, second++)).toISOString(),
    time: 50,
    request,
    response: { status: 200, statusText: 'OK', httpVersion: 'HTTP/2.0', headers: [], cookies: [], content: { size: 0, mimeType: 'text/plain' }, redirectURL: '', headersSize: -1, bodySize: 0 },
    cache: {},
    timings: { send: 1, wait: 48, receive: 1 },
    comment: `TrackHAR 1.0.0 adapter ${a.tracker.slug}/${a.slug}${note ? ` (${note})` : ''}`,
});
// Adapters whose paths exclude each other get a second request.
const VARIANTS = {
    'google/googledatatransport-firelog-batchlog-protobuf': 'one log request',
    'mopub/ads': 'udid without ifa:',
};
for (const a of adapters) {
    const request = build(a, misses);
    entries.push(entryOf(a, request));
    const variant = VARIANTS[`${a.tracker.slug}/${a.slug}`];
    if (variant) entries.push(entryOf(a, build(a, misses, variant), variant));
    if (a.slug === 'firebaseinstallations') {
        // The older header form: a plain space-separated agent string.
        const vars = { res: {} };
        for (const [property, paths] of Object.entries(a.containedDataPaths)) for (const dp of [paths].flat()) place(vars, property, dp);
        const plain = build(a, []);
        const agent = 'fire-core/20.3.0 fire-installations/17.1.3 device-name/oriole device-brand/google device-model/oriole fire-android/33 device/Pixel_6';
        plain.headers = plain.headers.map((h) => (h.name === 'x-firebase-client' ? { name: h.name, value: agent } : h));
        entries.push(entryOf(a, plain, 'plain x-firebase-client'));
    }
}
const har = { log: { version: '1.2', creator: { name: 'telltale scripts/trackhar-oracle/synthetic.mjs', version: '1' }, pages: [], entries } };
fs.mkdirSync(new URL('.', `file://${OUT}`).pathname, { recursive: true });
fs.writeFileSync(OUT, JSON.stringify(har, null, 1) + '\n');
for (const miss of misses) console.error(`not written: ${miss.adapter} ${miss.property} ${miss.context}:${miss.path}: ${miss.reason}`);
console.error(`${entries.length} requests for ${adapters.length} adapters → ${OUT}; ${misses.length} paths not written`);
