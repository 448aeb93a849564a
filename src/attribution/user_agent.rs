//! A small User-Agent reader for attribution: which app or browser sent a
//! request and, for Android's `Dalvik/…` agents, which device.
//!
//! Not a full UA database: it recognises the tokens that name apps in
//! telemetry traffic (`MiuiBrowser/12.1.3`, `okhttp/4.9`, `Dalvik/2.1.0 (Linux; U;
//! Android 11; M2101K6G Build/RKQ1)`), which is what a lane label needs.

/// What a User-Agent says about the sender.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UserAgentInfo {
    /// App or browser with version, e.g. `MiuiBrowser/12.1.3`.
    pub app: Option<String>,
    /// Device model from an Android agent, e.g. `M2101K6G`.
    pub device: Option<String>,
    /// Android version, e.g. `11`.
    pub android_version: Option<String>,
}

/// Tokens that name a browser or app by themselves, most specific first.
/// Generic engine tokens (Mozilla, AppleWebKit, Chrome, Safari, Version,
/// Mobile) are skipped so `MiuiBrowser/12.1.3 … Chrome/89` yields the Mi browser.
const GENERIC_TOKENS: &[&str] = &[
    "mozilla",
    "applewebkit",
    "khtml",
    "gecko",
    "like",
    "version",
    "mobile",
    "safari",
    "chrome",
    "build",
    "linux",
    "u",
    "wv",
];

/// Known browser tokens that are more specific than Chrome/Safari.
const BROWSER_TOKENS: &[&str] = &[
    "MiuiBrowser",
    "Mint Browser",
    "XiaoMi",
    "SamsungBrowser",
    "UCBrowser",
    "OPR",
    "Edg",
    "EdgA",
    "YaBrowser",
    "HuaweiBrowser",
    "HeyTapBrowser",
    "VivoBrowser",
    "Firefox",
    "FxiOS",
    "CriOS",
    "DuckDuckGo",
    "Brave",
];

/// Reads app, device and Android version from a User-Agent string.
pub fn parse_user_agent(user_agent: &str) -> UserAgentInfo {
    let mut info = UserAgentInfo::default();
    read_android_details(user_agent, &mut info);
    // `XiaoMi/MiuiBrowser/12.1.3` holds two name/version pairs: read each
    // segment with the text after it as its version.
    let tokens: Vec<(&str, &str)> = user_agent
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == ';')
        .flat_map(|t| {
            t.match_indices('/').map(move |(at, _)| {
                let name_start = t[..at].rfind('/').map_or(0, |p| p + 1);
                (&t[name_start..at], t[at + 1..].split('/').next().unwrap_or(""))
            })
        })
        .filter(|(name, version)| !name.is_empty() && !version.is_empty())
        .collect();
    let known = BROWSER_TOKENS
        .iter()
        .find_map(|b| tokens.iter().find(|(name, _)| name.eq_ignore_ascii_case(b)));
    let app_token = known.or_else(|| {
        tokens.iter().find(|(name, _)| {
            !GENERIC_TOKENS.contains(&name.to_ascii_lowercase().as_str())
                && name.chars().next().is_some_and(char::is_alphabetic)
        })
    });
    info.app = app_token.map(|(name, version)| format!("{name}/{version}"));
    if info.app.is_none() && user_agent.contains("Chrome/") {
        info.app = Some("Chrome".into());
    }
    info
}

/// `(Linux; U; Android 11; M2101K6G Build/RKQ1)` → Android 11, device M2101K6G.
fn read_android_details(user_agent: &str, info: &mut UserAgentInfo) {
    let Some(start) = user_agent.find('(') else { return };
    let Some(len) = user_agent[start..].find(')') else {
        return;
    };
    let parts: Vec<&str> = user_agent[start + 1..start + len].split(';').map(str::trim).collect();
    let Some(android_at) = parts.iter().position(|p| p.starts_with("Android")) else {
        return;
    };
    info.android_version = parts[android_at]
        .strip_prefix("Android")
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty());
    let device =
        parts.get(android_at + 1..).unwrap_or_default().iter().find(|p| {
            !p.is_empty() && !p.starts_with("wv") && p.len() > 1 && !p.contains('-') || p.contains(" Build/")
        });
    info.device = device
        .map(|d| d.split(" Build/").next().unwrap_or(d).trim().to_string())
        .filter(|d| !d.is_empty() && d != "K");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mi_browser_and_device() {
        let info = parse_user_agent(
            "Mozilla/5.0 (Linux; U; Android 10; zh-cn; Redmi Note 8 Build/QKQ1.200114.002) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/79.0.3945.147 Mobile Safari/537.36 XiaoMi/MiuiBrowser/12.1.3-g",
        );
        assert_eq!(info.app.as_deref(), Some("MiuiBrowser/12.1.3-g"));
        assert_eq!(info.android_version.as_deref(), Some("10"));
        assert_eq!(info.device.as_deref(), Some("Redmi Note 8"));
    }

    #[test]
    fn dalvik_agent_gives_device() {
        let info = parse_user_agent("Dalvik/2.1.0 (Linux; U; Android 11; M2101K6G Build/RKQ1.200826.002)");
        assert_eq!(info.device.as_deref(), Some("M2101K6G"));
        assert_eq!(info.app.as_deref(), Some("Dalvik/2.1.0"));
    }

    #[test]
    fn plain_chrome() {
        let info = parse_user_agent(
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
        );
        assert_eq!(info.app.as_deref(), Some("Chrome"));
        assert_eq!(info.device, None);
    }
}
