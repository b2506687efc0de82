//! The compact form of a fitted tree's nodes inside an artifact: one base64 string instead of a
//! JSON object per node. A fully grown forest on 54,000 rows has about 8 million nodes; as JSON
//! objects (~80 bytes each) that made a 674 MB artifact nobody could serve.
//!
//! The nodes are stored in the builder's order, preorder with the left child first, so the
//! tree's shape needs no child indices: a split's left child is the next node, and its right
//! child is the node after its left subtree. Each node is then
//!
//! * a flags byte (bit 0: a split; bit 1: a missing value goes left);
//! * for a split, its feature (LEB128) and threshold (`f64`, little-endian);
//! * its value and impurity (`f64`, little-endian) and its sample count (LEB128);
//!
//! about 24 bytes a node, 32 in base64. Every value round-trips exactly, so a model saved and
//! loaded predicts bit for bit the same. A tree not in that order (none the builder makes) is
//! written as a node list instead. Hand-written rather than a serialization crate: the layout is
//! the point, and it is twenty lines each way.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use super::params::TreeError;
use super::tree_node::{TreeNode, LEAF};

const SPLIT: u8 = 1;
const MISSING_LEFT: u8 = 2;

/// The nodes as base64 text, or `None` when they are not in preorder with left children first.
pub(crate) fn encode(nodes: &[TreeNode]) -> Option<String> {
    if shape(nodes.iter().map(|n| n.left != LEAF), nodes.len()).ok()? != rights(nodes) {
        return None;
    }
    let mut bytes = Vec::with_capacity(nodes.len() * 24);
    for node in nodes {
        let split = node.left != LEAF;
        let flags =
            if split { SPLIT } else { 0 } | if node.missing_left { MISSING_LEFT } else { 0 };
        bytes.push(flags);
        if split {
            put_varint(&mut bytes, u64::from(node.feature));
            bytes.extend_from_slice(&node.threshold.to_le_bytes());
        }
        bytes.extend_from_slice(&node.value.to_le_bytes());
        bytes.extend_from_slice(&node.impurity.to_le_bytes());
        put_varint(&mut bytes, node.n_samples as u64);
    }
    Some(STANDARD.encode(bytes))
}

/// The `count` nodes that [`encode`] wrote, children indices rebuilt from the order.
pub(crate) fn decode(text: &str, count: usize) -> Result<Vec<TreeNode>, TreeError> {
    let bad = |m: String| TreeError::InvalidModel(format!("compact tree: {m}"));
    let bytes = STANDARD
        .decode(text)
        .map_err(|e| bad(format!("not base64 ({e})")))?;
    // Every node takes at least 18 bytes: a count past that is a lie, not an allocation.
    if count == 0 || count > bytes.len() / 18 {
        return Err(bad(format!("{count} nodes in {} bytes", bytes.len())));
    }
    let mut nodes = Vec::with_capacity(count);
    let mut at = Reader {
        bytes: &bytes,
        at: 0,
    };
    for i in 0..count {
        let flags = at
            .byte()
            .ok_or_else(|| bad(format!("node {i} is cut short")))?;
        let split = flags & SPLIT != 0;
        let (feature, threshold) = if split {
            let feature = at.varint().and_then(|f| u32::try_from(f).ok());
            (feature, at.f64())
        } else {
            (Some(0), Some(0.0))
        };
        let (Some(feature), Some(threshold), Some(value), Some(impurity), Some(n)) =
            (feature, threshold, at.f64(), at.f64(), at.varint())
        else {
            return Err(bad(format!("node {i} is cut short")));
        };
        nodes.push(TreeNode {
            feature,
            left: if split { 0 } else { LEAF },
            right: LEAF,
            missing_left: flags & MISSING_LEFT != 0,
            threshold,
            value,
            impurity,
            n_samples: usize::try_from(n).map_err(|_| bad(format!("node {i}: {n} samples")))?,
        });
    }
    if at.at != bytes.len() {
        return Err(bad(format!(
            "{} bytes after the last node",
            bytes.len() - at.at
        )));
    }
    let right = shape(nodes.iter().map(|n| n.left != LEAF), count).map_err(bad)?;
    for (i, node) in nodes.iter_mut().enumerate() {
        if node.left != LEAF {
            node.left = i as u32 + 1;
            node.right = right[i];
        }
    }
    Ok(nodes)
}

/// Numbers as base64 of their little-endian bytes: exact, and 11 characters a number where
/// JSON takes up to 24 (a classification forest's leaf shares).
pub(crate) fn encode_f64s(values: &[f64]) -> String {
    let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    STANDARD.encode(bytes)
}

/// The numbers [`encode_f64s`] wrote.
pub(crate) fn decode_f64s(text: &str) -> Result<Vec<f64>, TreeError> {
    let bytes = STANDARD
        .decode(text)
        .map_err(|e| TreeError::InvalidModel(format!("compact numbers: not base64 ({e})")))?;
    if bytes.len() % 8 != 0 {
        return Err(TreeError::InvalidModel(format!(
            "compact numbers: {} bytes is not a whole number of f64",
            bytes.len()
        )));
    }
    Ok(bytes
        .chunks_exact(8)
        .map(|c| f64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
        .collect())
}

/// Each node's right child (`LEAF` for a leaf) in a preorder walk with left children first,
/// given which nodes split; an error when the flags do not make one tree.
fn shape(splits: impl Iterator<Item = bool>, count: usize) -> Result<Vec<u32>, String> {
    if u32::try_from(count).is_err() {
        return Err(format!("{count} nodes"));
    }
    let mut right = vec![LEAF; count];
    let mut pending: Vec<usize> = Vec::new();
    let mut previous_split = false;
    for (i, split) in splits.enumerate() {
        if i > 0 && !previous_split {
            let parent = pending
                .pop()
                .ok_or_else(|| format!("node {i} has no parent"))?;
            right[parent] = i as u32;
        }
        if split {
            pending.push(i);
        }
        previous_split = split;
    }
    if previous_split || !pending.is_empty() {
        return Err("the last split has no right child".into());
    }
    Ok(right)
}

/// The right children the nodes record (`LEAF` for leaves), when every split's left child is
/// the next node; else an impossible list, so that the shape check fails.
fn rights(nodes: &[TreeNode]) -> Vec<u32> {
    nodes
        .iter()
        .enumerate()
        .map(|(i, n)| match n.left {
            LEAF => LEAF,
            left if left as usize == i + 1 => n.right,
            _ => u32::MAX - 1,
        })
        .collect()
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// A cursor over the decoded bytes; `None` past the end.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    fn f64(&mut self) -> Option<f64> {
        let raw: [u8; 8] = self.bytes.get(self.at..self.at + 8)?.try_into().ok()?;
        self.at += 8;
        Some(f64::from_le_bytes(raw))
    }

    fn varint(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(feature: u32, left: u32, right: u32, threshold: f64) -> TreeNode {
        TreeNode {
            feature,
            left,
            right,
            missing_left: feature == 1,
            threshold,
            value: 0.5 + f64::from(feature),
            impurity: 0.25,
            n_samples: 300,
        }
    }

    #[test]
    fn nodes_round_trip_exactly_in_about_thirty_two_bytes_each() {
        // root splits; its left child splits into two leaves; its right child is a leaf.
        let nodes = vec![
            split(0, 1, 4, 2.5),
            split(1, 2, 3, -0.1),
            TreeNode::leaf(1.0 / 3.0, 0.0, 1),
            TreeNode::leaf(-7.25, 1e-300, 2),
            TreeNode::leaf(f64::MAX, 3.5, 1 << 40),
        ];
        let text = encode(&nodes).expect("preorder");
        assert_eq!(decode(&text, nodes.len()).unwrap(), nodes);
        assert!(text.len() <= 32 * nodes.len(), "{} bytes", text.len());
    }

    #[test]
    fn numbers_round_trip_exactly() {
        let values = [0.0, 1.0 / 3.0, -2.5e-300, f64::MAX, 0.1 + 0.2];
        let back = decode_f64s(&encode_f64s(&values)).unwrap();
        assert!(values
            .iter()
            .zip(&back)
            .all(|(a, b)| a.to_bits() == b.to_bits()));
        assert!(decode_f64s(&STANDARD.encode([1u8, 2, 3])).is_err());
    }

    #[test]
    fn a_tree_out_of_preorder_is_not_encoded_and_bad_text_is_refused() {
        let swapped = vec![
            split(0, 2, 1, 2.5),
            TreeNode::leaf(1.0, 0.0, 1),
            TreeNode::leaf(2.0, 0.0, 1),
        ];
        assert!(encode(&swapped).is_none());
        let good = vec![split(0, 1, 2, 2.5), swapped[1], swapped[2]];
        let text = encode(&good).unwrap();
        assert!(decode(&text, 4).is_err(), "a count too large");
        assert!(decode(&text, 2).is_err(), "bytes left over");
        assert!(decode("not base64!", 3).is_err());
        // Flags that do not make a tree: a leaf first with more nodes after it.
        let leaves = encode(&[TreeNode::leaf(1.0, 0.0, 1)]).unwrap();
        let two = STANDARD.encode(
            [
                STANDARD.decode(&leaves).unwrap(),
                STANDARD.decode(&leaves).unwrap(),
            ]
            .concat(),
        );
        assert!(decode(&two, 2)
            .unwrap_err()
            .to_string()
            .contains("no parent"));
    }
}
