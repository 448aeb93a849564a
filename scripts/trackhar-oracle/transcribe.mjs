// Transcribes tweasel TrackHAR 1.0.0's adapters (CC0-1.0) into Telltale's
// endpoint table, assets/endpoints/<tracker>.toml.
//
// What carries over are facts: endpoint URLs, which field holds which
// property, the value filters. TrackHAR addresses fields relative to the
// outputs of its manual decoding steps (`res.body.pdParsed.*.8`,
// `logEvents_FIREPERF.*.1.3.1`); Telltale decodes every encoding itself and
// addresses fields by where they sit in the request (`body.pd.8`,
// `body.logRequest.*.logEvent.*.sourceExtension.1.3.1` where
// `logSourceName` is FIREPERF). The per-adapter translations, merges of
// adapters TrackHAR needed only because its decoding is manual, and
// Telltale's own additions (event rules, a few paths TrackHAR cannot
// reach) are the tables below. Each translation was checked on requests
// built from the format (synthetic.mjs) and on real captures
// (tests/decode_endpoints.rs).
//
// Usage: npm ci && node transcribe.mjs [../../assets/endpoints]
// It rewrites the files it generates; review the diff before committing.

import { adapters } from 'trackhar';
import fs from 'node:fs';
import path from 'node:path';

const OUT = process.argv[2] ?? new URL('../../assets/endpoints', import.meta.url).pathname;

// TrackHAR tracker slug → Telltale tracker: id (file name), company (as the
// catalogue assets/trackers.toml names it, or the part of the catalogue's
// names they share), category, one line about it.
const TRACKERS = {
    adagio: { id: 'adagio', company: 'Adagio', category: 'advertising', about: 'Adagio: Prebid header bidding and user sync for websites.' },
    adcolony: { id: 'adcolony', company: 'AdColony (Digital Turbine)', category: 'advertising', about: 'AdColony mobile ads SDK: launch and configure calls.' },
    adform: { id: 'adform', company: 'Adform', category: 'advertising', about: 'Adform: OpenRTB bidding, cookie matching and tracking points.' },
    adjust: { id: 'adjust', company: 'Adjust (AppLovin)', category: 'attribution', about: 'Adjust mobile attribution SDK: sessions, events, clicks, attribution.' },
    apple: { id: 'apple', company: 'Apple', category: 'attribution', about: 'Apple Search Ads attribution (iAd framework).' },
    'branch-io': { id: 'branch', company: 'Branch', category: 'attribution', about: 'Branch deep-linking and attribution SDK: install, open, close, profile, logout.' },
    chartboost: { id: 'chartboost', company: 'Chartboost', category: 'advertising', about: 'Chartboost mobile ads SDK: install, config, ad requests.' },
    criteo: { id: 'criteo', company: 'Criteo', category: 'advertising', about: 'Criteo: retargeting, bidding and user sync (web and in-app).' },
    equativ: { id: 'equativ', company: 'Equativ', category: 'advertising', about: 'Equativ (formerly Smart AdServer): Prebid bidding and user sync.' },
    facebook: { id: 'facebook', company: 'Meta', category: 'advertising', about: 'Facebook (Meta) SDK: Graph API app events, batch config, Audience Network.' },
    google: { id: 'google', company: 'Google', category: 'analytics', about: 'Google: Firebase (app-measurement, installations, remote config, data transport logs, identity toolkit), FCM, AdMob/DoubleClick, Funding Choices, Tag Manager, Analytics, Publisher Tag.' },
    id5: { id: 'id5', company: 'ID5', category: 'advertising', about: 'ID5 universal identifier: config, ID fetch, cookie sync.' },
    indexexchange: { id: 'index-exchange', company: 'Index Exchange', category: 'advertising', about: 'Index Exchange (casalemedia.com): Prebid bidding and user matching.' },
    infonline: { id: 'infonline', company: 'INFOnline', category: 'analytics', about: 'INFOnline IOMb / IOMb app measurement (IVW audience measurement).' },
    ironsource: { id: 'ironsource', company: 'ironSource (Unity)', category: 'advertising', about: 'ironSource mediation SDK logs.' },
    kidoz: { id: 'kidoz', company: 'Kidoz', category: 'advertising', about: 'Kidoz kids ad network SDK: analytics, init, VAST.' },
    magnite: { id: 'magnite', company: 'Magnite', category: 'advertising', about: 'Magnite (Rubicon Project): Prebid Server, Fastlane, pixel syncs.' },
    'media-net': { id: 'media-net', company: 'Media.net', category: 'advertising', about: 'Media.net Prebid bidding.' },
    microsoft: { id: 'microsoft', company: 'Microsoft', category: 'analytics', about: 'Microsoft: Visual Studio App Center logs; Xandr (AppNexus, adnxs.com) bidding and user sync.' },
    mopub: { id: 'mopub', company: 'MoPub', category: 'advertising', about: 'MoPub mobile ads SDK (Twitter, retired 2022).' },
    onesignal: { id: 'onesignal', company: 'OneSignal', category: 'push', about: 'OneSignal push notification SDK: player (device) registration.' },
    openx: { id: 'openx', company: 'OpenX', category: 'advertising', about: 'OpenX: Prebid bidding and user sync.' },
    outbrain: { id: 'outbrain', company: 'Outbrain', category: 'advertising', about: 'Outbrain (Zemanta): Prebid bidding and user sync.' },
    pubmatic: { id: 'pubmatic', company: 'PubMatic', category: 'advertising', about: 'PubMatic: OpenBid/OpenWrap bidding and user sync pixels.' },
    rayjump: { id: 'mintegral', company: 'Mintegral', category: 'advertising', about: 'Mintegral (rayjump.com) mobile ads SDK: settings and analytics.' },
    'singular-net': { id: 'singular', company: 'Singular', category: 'attribution', about: 'Singular mobile attribution SDK: start, event, config, resolve, launch, impressions.' },
    smartbear: { id: 'bugsnag', company: 'Bugsnag (SmartBear)', category: 'crash-reporting', about: 'Bugsnag (SmartBear) error monitoring SDK: sessions and error reports.' },
    'start-io': { id: 'start-io', company: 'Start.io', category: 'advertising', about: 'Start.io (formerly StartApp) mobile ads SDK: info events and download tracking.' },
    taboola: { id: 'taboola', company: 'Taboola', category: 'advertising', about: 'Taboola: Prebid bidding, beacons, video ads.' },
    unity: { id: 'unity', company: 'Unity', category: 'advertising', about: 'Unity Ads SDK: game configuration and ad requests.' },
    vungle: { id: 'vungle', company: 'Vungle (Liftoff)', category: 'advertising', about: 'Vungle (Liftoff) mobile ads SDK: new, config, ads, cache bust.' },
    yandex: { id: 'yandex', company: 'Yandex', category: 'analytics', about: 'Yandex AppMetrica SDK: startup and report.' },
};

// Adapters TrackHAR splits only because its decoding is manual (JSON vs
// query string vs protobuf body): Telltale decodes either automatically,
// so one entry holds all their paths.
const MERGE = {
    'facebook/graph-activities-json': 'graph-activities',
    'facebook/graph-activities-qs': 'graph-activities',
    'google/doubleclick-mads-gma-body': 'doubleclick-mads-gma',
    'google/doubleclick-mads-gma-qs': 'doubleclick-mads-gma',
    'google/googledatatransport-firelog-batchlog-json': 'googledatatransport-firelog-batchlog',
    'google/googledatatransport-firelog-batchlog-protobuf': 'googledatatransport-firelog-batchlog',
    'google/identitytoolkit-relyingparty-getaccountinfo-json': 'identitytoolkit-relyingparty-getaccountinfo',
    'google/identitytoolkit-relyingparty-getaccountinfo-protobuf': 'identitytoolkit-relyingparty-getaccountinfo',
    'infonline/ioam-tx-query': 'ioam-tx',
    'infonline/ioam-tx-body-gzip': 'ioam-tx',
    'infonline/ioam-tx-body-json': 'ioam-tx',
};
const MERGED_NAMES = {
    'graph-activities': 'Facebook Graph App Events API (JSON or form body)',
    'doubleclick-mads-gma': 'Google Mobile Ads SDK ad request (query or form body)',
    'googledatatransport-firelog-batchlog': 'Google Data Transport (firelog) batch log (JSON or protobuf)',
    'identitytoolkit-relyingparty-getaccountinfo': 'Firebase Authentication getAccountInfo (JSON or protobuf)',
    'ioam-tx': 'INFOnline IOMb tx.io (query, base64 JSON or base64 gzip JSON body)',
};

// Method predicates TrackHAR's match() functions carry (body-shape
// predicates are dropped: they only chose TrackHAR's decoding).
const METHODS = { 'smartbear/bugsnag-sessions': ['POST'] };

// Where TrackHAR's decoding-step outputs sit in Telltale's document:
// [context, TrackHAR path prefix, Telltale path prefix]. Longest prefix wins.
const PREFIX = {
    // decodeBase64 + parseJson of cookie `uids` → res.cookie.uidsParsed
    'adagio/4dex-mp-prebid': [['cookie', 'uidsParsed', 'uids']],
    'magnite/rubicon-pbs-openrtb2-auction': [['cookie', 'uidsParsed', 'uids']],
    // parseQueryString of query `url` (itself a URL)
    'criteo/dis-usersync': [['query', 'url_query', 'url']],
    // parseJson(body).batch[*].relative_url parsed as query strings → res.body.batch
    'facebook/graph': [['body', 'batch.*', 'batch.*.relative_url']],
    // parseQueryString(body).payload parsed as JSON → res.body
    'facebook/adnw-sync2': [['body', '', 'payload']],
    // decodeBase64 + parseQueryString of params.pd / pd / requests[*].pd
    'id5/api-config-prebid': [['body', 'params.pdParsed', 'params.pd']],
    'id5/g-v2-json': [['body', 'pdParsed', 'pd']],
    'id5/gm-v3': [['body', 'pdParsed.*', 'requests.*.pd']],
    // parseQueryString of query `cb` (a URL)
    'indexexchange/ssum-usermatch': [['query', 'cb_parsed', 'cb']],
    // query `data` base64 JSON → res.body
    'ironsource/logs': [['body', '', 'query:data']],
    // parseJson of body `KidozEventsLogAsJson` → KidozEventsLogAsJsonParsed
    'kidoz/analytics-parents-kidozrestmobile': [['body', 'KidozEventsLogAsJsonParsed', 'KidozEventsLogAsJson']],
    // decodeBase64 + gunzip + parseJson of the header in place → -decoded
    'google/firebaseinstallations': [['header', 'x-firebase-client-decoded', 'x-firebase-client']],
    // decodeJwt in place; the protobuf variant's JWT is field 1
    'google/identitytoolkit-relyingparty-getaccountinfo-protobuf': [['body', 'idToken', '1']],
};
// firelog: getProperty($.logRequest.*.logEvent[?(@parent.logSourceName === 'X')].sourceExtension)
// → base64 protobuf, res.body.logEvents_X; the JSON-proto3 sources are JSON strings.
const FIRELOG_JSON_SOURCES = {
    FIREPERF: 'sourceExtension',
    GDT_CLIENT_METRICS: 'sourceExtension',
    FIREBASE_INAPPMESSAGING: 'sourceExtension',
    PLAY_BILLING_LIBRARY: 'sourceExtension',
    FIREBASE_ML_SDK: 'sourceExtension',
    CAST_SENDER_SDK: 'sourceExtension',
    LE: 'sourceExtension',
    FIREBASE_CRASHLYTICS_REPORT: 'sourceExtensionJsonProto3',
    FIREBASE_APPQUALITY_SESSION: 'sourceExtensionJsonProto3',
    FIREBASE_ML_LOG_SDK: 'sourceExtensionJsonProto3',
};
// firelog protobuf: getProperty($.1[?(@[2] === N)].3(.*).6) → res.body.logEvents_X
const FIRELOG_PROTOBUF_SOURCES = {
    FIREPERF: 462,
    GDT_CLIENT_METRICS: 1710,
    FIREBASE_APPQUALITY_SESSION: 1974,
    FIREBASE_COREDIAGNOSTICS: 137,
    FIREBASE_ML_LOG_SDK: 1326,
};

// Value filters TrackHAR states on its own stringification of objects
// (JSON); Telltale shows an object as `key=value, …`.
const FILTER_OVERRIDES = {
    'chartboost/live-unnested carrier carrier': { not_if: '(^$)|(carrier-name=null)' },
    'chartboost/live-nested carrier device.carrier': { not_if: '(carrier_name=null)|(carrier_name=(,|$))' },
};

// Telltale's event rules, per endpoint (tracker id / endpoint id).
const EVENTS = {
    'facebook/graph-activities': [
        { each: 'body.custom_events', name: '_eventName', time: '_logTime' },
        { name: 'body.event' },
    ],
    'bugsnag/bugsnag-notify': [
        { each: 'body.events', name: ['exceptions.0.errorClass'], default_name: 'error', time: 'device.time' },
    ],
    'bugsnag/bugsnag-sessions': [{ each: 'body.sessions', default_name: 'session', time: 'startedAt' }],
    'branch/v1': [{ default_name: '{endpoint}' }],
    'adjust/body': [{ default_name: '{endpoint}', time: 'body.created_at' }],
    'adjust/qs': [{ default_name: '{endpoint}', time: 'query.created_at' }],
    'singular/api-v1': [{ name: 'query.n' }, { default_name: '{endpoint}' }],
    'yandex/appmetrica': [{ default_name: '{endpoint}' }],
    'google/app-measurement': [
        { each: 'body.1.*.2', name: '2', time: '4' },
        { default_name: 'firebase_bundle' },
    ],
    'google/google-analytics': [
        { name: ['query.en', 'body.en'] },
        { name: ['query.t', 'body.t'] },
    ],
    'microsoft/appcenter-logs': [{ each: 'body.logs', name: ['name', 'type'], time: 'timestamp' }],
    'infonline/ioam-tx': [{ each: 'body.ae.**.events', name: ['state', 'identifier'], time: 'timestamp' }],
    'mintegral/analytics': [{ name: ['body.key'], default_name: 'analytics' }],
    'start-io/infoevent': [{ default_name: 'infoEvent' }],
    'onesignal/players': [{ default_name: 'player' }],
    'apple/iadsdk-attribution-v2': [{ default_name: 'attribution' }],
};

// Paths Telltale adds where TrackHAR's path cannot be written in
// Telltale's (JSONPath filters on split strings) or reads a value from
// inside a string.
const EXTRA_DATA = {
    'google/firebaseinstallations': {
        trackerSdkVersion: [{ path: 'header.x-firebase-client', only_if: '/' }],
    },
};

// Telltale's own endpoints of these companies (not in TrackHAR), per
// TrackHAR tracker slug, written after the transcribed ones.
const EXTRA_ENDPOINTS = {
    facebook: [
        {
            id: 'graph-app-settings',
            name: 'Facebook SDK start-up fetches: app settings, gatekeepers, model assets',
            url_patterns: ['^https://graph\\.facebook\\.com(/v\\d{1,2}\\.\\d)?/(app|\\d+)(/(mobile_sdk_gk|model_asset))?$'],
            source:
                'Telltale: Facebook SDK for Android, FetchedAppSettingsManager and FetchedAppGateKeepersManager (github.com/facebook/facebook-android-sdk) fetch `app` (or the app id) and `app/mobile_sdk_gk` at start-up with `advertiser_id`, `platform`, `sdk_version`; seen in tests/fixtures/real/har_tweasel-reporthar_android-first-run.har',
            data: {
                advertisingId: ['query.advertiser_id'],
                osName: ['query.platform', 'query.sdk'],
                trackerSdkVersion: ['query.sdk_version'],
                language: ['header.accept-language'],
                userAgent: ['header.user-agent'],
            },
        },
    ],
};

// ---------------------------------------------------------------------

const adapterKey = (a) => `${a.tracker.slug}/${a.slug}`;

/** JS RegExp → Rust regex source: flags inline, `\/` unescaped, stray braces escaped. */
function rustRegex(re) {
    let source = re.source.replaceAll('\\/', '/');
    let out = '';
    for (let i = 0; i < source.length; i++) {
        const c = source[i];
        if (c === '\\') {
            out += c + (source[i + 1] ?? '');
            i++;
            continue;
        }
        if (c === '{') {
            const m = /^\{\d+(,\d*)?\}/.exec(source.slice(i));
            if (m && out.length > 0) {
                out += m[0];
                i += m[0].length - 1;
                continue;
            }
            out += '\\{';
            continue;
        }
        if (c === '}') {
            out += '\\}';
            continue;
        }
        out += c;
    }
    return (re.flags.includes('i') ? '(?i)' : '') + out;
}

const escapeRegex = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** TrackHAR's string notIf/onlyIf compare the whole value. */
const filterRegex = (f) => (f instanceof RegExp ? rustRegex(f) : `^${escapeRegex(String(f))}$`);

/** A plain TrackHAR path (`a.b.*.c`) as segments, `$.` and `$` stripped. */
function plainSegments(p) {
    let s = p.replace(/^\$\.?/, '');
    if (s === '') return [];
    return s.split('.');
}

/** Telltale path text from a context and segments (quoting keys that need it). */
function joinPath(context, segments) {
    let out = context;
    for (const seg of segments) {
        if (seg === '*' || seg === '**' || /^[A-Za-z0-9_$@:#\-]+$/.test(seg) || /^\/.*\/$/.test(seg)) out += '.' + seg;
        else out += `[${JSON.stringify(seg)}]`;
    }
    return out;
}

/**
 * One TrackHAR data path → Telltale path specs ({path, only_if, not_if, where, extract}).
 */
function translate(a, property, dp) {
    const key = adapterKey(a);
    let context = dp.context;
    let p = dp.path;
    const spec = {};
    if (dp.onlyIf !== undefined) spec.only_if = filterRegex(dp.onlyIf);
    if (dp.notIf !== undefined) spec.not_if = filterRegex(dp.notIf);
    const override = FILTER_OVERRIDES[`${key} ${property} ${p}`];
    if (override) Object.assign(spec, override);

    let segments;
    let m;
    if ((m = /^\$\[\?\(@property === "([^"]+)" && (!?)@\.match\(\/(.+)\/(\w*)\)\)\]$/.exec(p))) {
        // $[?(@property === "udid" && @.match(/ifa:/i))]
        segments = [m[1]];
        const re = rustRegex(new RegExp(m[3], m[4]));
        if (m[2] === '!') spec.not_if = re;
        else spec.only_if = re;
    } else if ((m = /^\$\[\?\(@property\.match\(\/(.+)\/(\w*)\)\)\]$/.exec(p))) {
        segments = [`/${rustRegex(new RegExp(m[1], m[2]))}/`];
    } else if ((m = /^\$\[\?\(@property\.startsWith\("([^"]+)"\)\)\]$/.exec(p))) {
        segments = [`/^${escapeRegex(m[1])}/`];
    } else if ((m = /^\$\["([^"]+)"\]$/.exec(p))) {
        segments = [m[1]];
    } else if ((m = /^\$\.ae\.\.events\[\?\(@\.identifier == '(\w+)' && @\.state == '(\w+)'\)\]\.(\w+)$/.exec(p))) {
        segments = ['ae', '**', 'events', '*', m[3]];
        spec.where = { identifier: `^${m[1]}$`, state: `^${m[2]}$` };
    } else if ((m = /^(\w+)\[\?\(@\.type === '(\w+)'\)\]\.(\w+)$/.exec(p))) {
        segments = [m[1], '*', m[3]];
        spec.where = { type: `^${m[2]}$` };
    } else if ((m = /^\$\.x-firebase-client(-decoded)?-fields(\.\*)?\[\?\(@\.startsWith\('([\w-]+)\/'\)\)\]$/.exec(p))) {
        // split(" ") of the header (or of each decoded heartbeat agent), one field by prefix
        segments = m[1] ? ['x-firebase-client', 'heartbeats', '*', 'agent'] : ['x-firebase-client'];
        spec.extract = `(?:^|\\s)${escapeRegex(m[3])}/([^\\s,]+)`;
    } else if (/[\[\]?()@]/.test(p) || p.includes('..')) {
        throw new Error(`${key}: untranslated JSONPath ${p}`);
    } else {
        segments = plainSegments(p);
    }

    // Decoding-step outputs → places in the request.
    if (key.startsWith('google/googledatatransport-firelog-batchlog') && segments[0]?.startsWith('logEvents_')) {
        const source = segments[0].slice('logEvents_'.length);
        const rest = segments.slice(2); // logEvents_X.*.rest
        if (key.endsWith('-json')) {
            const field = FIRELOG_JSON_SOURCES[source];
            if (!field) throw new Error(`${key}: unknown firelog source ${source}`);
            segments = ['logRequest', '*', 'logEvent', '*', field, ...rest];
            spec.where = { logSourceName: `^${source}$` };
        } else {
            const number = FIRELOG_PROTOBUF_SOURCES[source];
            if (!number) throw new Error(`${key}: unknown firelog source ${source}`);
            segments = ['1', '*', '3', '*', '6', ...rest];
            spec.where = { 2: `^${number}$` };
        }
    }
    for (const [ctx, from, to] of (PREFIX[key] ?? []).slice().sort((x, y) => y[1].length - x[1].length)) {
        if (ctx !== context) continue;
        const fromSegs = from === '' ? [] : from.split('.');
        if (fromSegs.every((s, i) => segments[i] === s)) {
            let target = to;
            if (target.includes(':')) [context, target] = target.split(':');
            segments = [...target.split('.'), ...segments.slice(fromSegs.length)];
            break;
        }
    }
    if (context === 'header' && segments.length > 0) segments[0] = segments[0].toLowerCase();
    if (context === 'path') segments = [];
    if (key === 'onesignal/players' && context === 'path') {
        spec.extract = '(?i)([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})';
        delete spec.only_if;
    }
    const specs = [{ path: joinPath(context, segments), ...spec }];
    // TrackHAR's query-string parser (qs) nests `a[b]=c` as a.b; Telltale
    // keeps the key as sent: name both.
    const qsContext = a.decodingSteps.some(
        (s) => s.function === 'parseQueryString' && s.input === dp.context && s.output === `res.${dp.context}`,
    );
    const decodedBelow = a.decodingSteps.some((s) => s.output.startsWith(`res.${dp.context}.${segments[0]}`));
    if (qsContext && !decodedBelow && segments.length > 1 && segments.every((seg) => /^[\w-]+$/.test(seg))) {
        const bracket = `${segments[0]}${segments.slice(1).map((seg) => `[${seg}]`).join('')}`;
        specs.push({ path: joinPath(context, [bracket]), ...spec });
    }
    return specs;
}

// ---------------------------------------------------------------------

/** TOML string: literal when possible (regexes stay readable). */
function tomlString(s) {
    if (!s.includes("'") && !/[\n\r\t]/.test(s) && (s.includes('\\') || s.includes('"'))) return `'${s}'`;
    return JSON.stringify(s);
}
function tomlKey(k) {
    return /^[A-Za-z0-9_-]+$/.test(k) ? k : JSON.stringify(k);
}
function tomlInline(spec) {
    const parts = [];
    for (const [k, v] of Object.entries(spec)) {
        if (v === undefined) continue;
        if (typeof v === 'object' && !Array.isArray(v)) {
            parts.push(`${k} = { ${Object.entries(v).map(([wk, wv]) => `${tomlKey(wk)} = ${tomlString(wv)}`).join(', ')} }`);
        } else if (Array.isArray(v)) {
            parts.push(`${k} = [${v.map(tomlString).join(', ')}]`);
        } else {
            parts.push(`${k} = ${tomlString(String(v))}`);
        }
    }
    return `{ ${parts.join(', ')} }`;
}

function urlsOf(adapters) {
    const urls = [];
    const patterns = [];
    for (const a of adapters) {
        for (const u of a.endpointUrls) {
            if (u instanceof RegExp) {
                let src = rustRegex(u);
                if (!src.startsWith('^')) src = '^' + src;
                if (!patterns.includes(src)) patterns.push(src);
            } else {
                const https = u.replace(/^http:\/\//, 'https://').replace(/\/$/, '');
                if (!urls.includes(https)) urls.push(https);
            }
        }
    }
    return { urls, patterns };
}

function render(trackerSlug, group) {
    const t = TRACKERS[trackerSlug];
    const lines = [];
    lines.push(`# ${t.about}`);
    lines.push(`# Facts transcribed from tweasel TrackHAR 1.0.0 src/adapters/${trackerSlug}.ts`);
    lines.push('# (github.com/tweaselORG/TrackHAR, CC0-1.0) by scripts/trackhar-oracle/transcribe.mjs;');
    lines.push("# paths are Telltale's (README \"How decoding works\"), event rules are Telltale's.");
    lines.push('');
    lines.push('[tracker]');
    lines.push(`id = ${tomlString(t.id)}`);
    lines.push(`company = ${tomlString(t.company)}`);
    lines.push(`category = ${tomlString(t.category)}`);
    for (const [endpointId, members] of group) {
        const fullId = `${t.id}/${endpointId}`;
        const { urls, patterns } = urlsOf(members);
        const name = members.length > 1 ? MERGED_NAMES[endpointId] : members[0].name;
        const trackhar = members.map(adapterKey);
        const reasons = [...new Set(members.flatMap((a) => Object.values(a.containedDataPaths).flat().map((p) => p.reasoning)))]
            .filter((r) => /^https?:\/\//.test(r));
        lines.push('');
        lines.push('[[endpoint]]');
        lines.push(`id = ${tomlString(endpointId)}`);
        lines.push(`name = ${tomlString(name)}`);
        if (urls.length) lines.push(`urls = [\n${urls.map((u) => `    ${tomlString(u)},`).join('\n')}\n]`);
        if (patterns.length) lines.push(`url_patterns = [\n${patterns.map((u) => `    ${tomlString(u)},`).join('\n')}\n]`);
        const methods = [...new Set(members.flatMap((a) => METHODS[adapterKey(a)] ?? []))];
        if (methods.length) lines.push(`methods = [${methods.map(tomlString).join(', ')}]`);
        const docs = reasons.slice(0, 3);
        lines.push(
            `source = ${tomlString(`TrackHAR 1.0.0 ${trackhar.join(' + ')} (src/adapters/${trackerSlug}.ts)${docs.length ? '; ' + docs.join('; ') : ''}`)}`,
        );
        lines.push(`trackhar = [${trackhar.map(tomlString).join(', ')}]`);
        for (const rule of EVENTS[fullId] ?? []) {
            lines.push('[[endpoint.events]]');
            for (const [k, v] of Object.entries(rule)) {
                lines.push(`${k} = ${Array.isArray(v) ? `[${v.map(tomlString).join(', ')}]` : tomlString(v)}`);
            }
        }
        // property → specs, deduplicated, TrackHAR's order.
        const data = new Map();
        const add = (property, spec) => {
            const list = data.get(property) ?? [];
            const text = JSON.stringify(spec);
            if (!list.some((s) => JSON.stringify(s) === text)) list.push(spec);
            data.set(property, list);
        };
        for (const a of members) {
            for (const [property, paths] of Object.entries(a.containedDataPaths)) {
                for (const dp of [paths].flat()) for (const spec of translate(a, property, dp)) add(property, spec);
            }
            for (const [property, specs] of Object.entries(EXTRA_DATA[adapterKey(a)] ?? {})) {
                for (const spec of specs) add(property, spec);
            }
        }
        lines.push('[endpoint.data]');
        for (const [property, specs] of data) {
            const items = specs.map((s) => (Object.keys(s).length === 1 ? tomlString(s.path) : tomlInline(s)));
            const one = `${property} = [${items.join(', ')}]`;
            if (one.length <= 110) lines.push(one);
            else lines.push(`${property} = [\n${items.map((i) => `    ${i},`).join('\n')}\n]`);
        }
    }
    for (const extra of EXTRA_ENDPOINTS[trackerSlug] ?? []) {
        lines.push('');
        lines.push("# Telltale's own: not an endpoint of TrackHAR 1.0.0.");
        lines.push('[[endpoint]]');
        lines.push(`id = ${tomlString(extra.id)}`);
        lines.push(`name = ${tomlString(extra.name)}`);
        lines.push(`url_patterns = [\n${extra.url_patterns.map((u) => `    ${tomlString(u)},`).join('\n')}\n]`);
        lines.push(`source = ${tomlString(extra.source)}`);
        lines.push('[endpoint.data]');
        for (const [property, paths] of Object.entries(extra.data)) {
            lines.push(`${property} = [${paths.map(tomlString).join(', ')}]`);
        }
    }
    return lines.join('\n') + '\n';
}

// Group adapters by tracker, endpoints by (merged) id, in TrackHAR order.
const byTracker = new Map();
for (const a of adapters) {
    if (!TRACKERS[a.tracker.slug]) throw new Error(`no Telltale tracker for ${a.tracker.slug}`);
    const group = byTracker.get(a.tracker.slug) ?? new Map();
    const endpointId = MERGE[adapterKey(a)] ?? a.slug;
    group.set(endpointId, [...(group.get(endpointId) ?? []), a]);
    byTracker.set(a.tracker.slug, group);
}
fs.mkdirSync(OUT, { recursive: true });
let endpoints = 0;
for (const [slug, group] of byTracker) {
    fs.writeFileSync(path.join(OUT, `${TRACKERS[slug].id}.toml`), render(slug, group));
    endpoints += group.size;
}
console.error(`${adapters.length} adapters of ${byTracker.size} trackers → ${endpoints} endpoints in ${OUT}`);
