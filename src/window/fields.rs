//! Decoded fields as a tree: flattened keys (`properties.$url`) split on
//! `.` into branches, in payload order. No drawing here.

/// One node of the field tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldNode {
    Leaf(String),
    Branch(Vec<(String, FieldNode)>),
}

/// Builds the tree of `fields` (key, value) in their order.
pub fn field_tree<'a>(fields: impl IntoIterator<Item = (&'a str, String)>) -> Vec<(String, FieldNode)> {
    let mut root: Vec<(String, FieldNode)> = Vec::new();
    for (key, value) in fields {
        let parts: Vec<&str> = key.split('.').collect();
        insert(&mut root, &parts, value);
    }
    root
}

fn insert(nodes: &mut Vec<(String, FieldNode)>, path: &[&str], value: String) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    if rest.is_empty() {
        nodes.push(((*first).to_string(), FieldNode::Leaf(value)));
        return;
    }
    let existing = nodes
        .iter_mut()
        .position(|(name, node)| name == first && matches!(node, FieldNode::Branch(_)));
    let index = existing.unwrap_or_else(|| {
        nodes.push(((*first).to_string(), FieldNode::Branch(Vec::new())));
        nodes.len() - 1
    });
    if let FieldNode::Branch(children) = &mut nodes[index].1 {
        insert(children, rest, value);
    }
}

/// The text of a JSON field value as users read it (strings unquoted).
pub fn value_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Whether `text` contains any of `needles`, ignoring case.
pub fn contains_needle(text: &str, needles: &[String]) -> bool {
    let lower = text.to_lowercase();
    needles
        .iter()
        .any(|n| !n.is_empty() && lower.contains(&n.to_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_split_into_branches_in_order() {
        let tree = field_tree([
            ("event", "search".to_string()),
            ("properties.$url", "https://a/".to_string()),
            ("properties.keyword", "cats".to_string()),
            ("lib.$lib", "Android".to_string()),
        ]);
        let names: Vec<&str> = tree.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["event", "properties", "lib"]);
        let FieldNode::Branch(properties) = &tree[1].1 else {
            panic!("branch")
        };
        assert_eq!(
            properties[0],
            ("$url".to_string(), FieldNode::Leaf("https://a/".into()))
        );
        assert!(contains_needle("Purple Giraffe", &["giraffe".into()]));
    }
}
