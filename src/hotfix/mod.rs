//! Hotfix discipline: slugs for `start`, and the policy a hotfix branch must keep.

pub mod policy;
pub mod slug;
