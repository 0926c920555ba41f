//! Hotfix discipline: slugs for `start`, the change a branch makes, and the policy it must keep.

pub mod diff;
pub mod policy;
pub mod slug;
