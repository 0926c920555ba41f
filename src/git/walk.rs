//! One walk over history for many lanes at once (one lane per crate): which commits each lane
//! counts since its own base, each commit read and diffed once (a stretch of commits at a time,
//! by [`Repository::changed_paths_of`]). `status`, `bump auto`, `release`'s plan and `notes -p` ask
//! it instead of walking history once per crate; `changelog -p` reads its files the same way.

use std::collections::HashMap;

use gix::ObjectId;

use super::history::{CommitInfo, Error, Repository, topological};

/// How many commits a walk reads between two looks at which ones are still counted.
const WALK_STRETCH: usize = 1024;

/// A set of lanes of a [`Repository::walk`], one bit each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Lanes(Vec<u64>);

impl Lanes {
    fn contains(&self, lane: usize) -> bool {
        self.0.get(lane / 64).is_some_and(|word| word & (1 << (lane % 64)) != 0)
    }

    fn insert(&mut self, lane: usize) {
        if self.0.len() <= lane / 64 {
            self.0.resize(lane / 64 + 1, 0);
        }
        if let Some(word) = self.0.get_mut(lane / 64) {
            *word |= 1 << (lane % 64);
        }
    }

    /// Adds `other`'s lanes; returns whether that added any.
    fn union(&mut self, other: &Self) -> bool {
        if self.0.len() < other.0.len() {
            self.0.resize(other.0.len(), 0);
        }
        let mut added = false;
        for (word, more) in self.0.iter_mut().zip(&other.0) {
            added |= *more & !*word != 0;
            *word |= more;
        }
        added
    }

    fn is_empty(&self) -> bool {
        self.0.iter().all(|word| *word == 0)
    }

    fn holds_all(&self, count: usize) -> bool {
        (0..count).all(|lane| self.contains(lane))
    }
}

/// A commit of a [`Repository::walk`], with the files it changes.
#[derive(Debug, Clone)]
pub struct Walked {
    pub info: CommitInfo,
    /// The files it changes against its first parent (every file of a root commit), `/`-separated
    /// and relative to the work tree root.
    pub paths: Vec<String>,
    below: Lanes,
}

impl Walked {
    /// Returns whether the commit is reachable from `lane`'s base (so not part of that lane).
    pub fn is_below(&self, lane: usize) -> bool {
        self.below.contains(lane)
    }
}

/// A commit met by a walk.
struct Node {
    id: ObjectId,
    /// The walk's order: generation (from the commit-graph; `u32::MAX` without one), then time.
    key: (u32, i64),
    parents: Vec<ObjectId>,
    /// The lanes whose base reaches this commit.
    below: Lanes,
    /// Whether the tip reaches it.
    from_tip: bool,
    queued: bool,
}

impl Repository {
    /// Returns the commits reachable from `tip`, newest first (no parent before its children),
    /// each with the files it changes and the lanes it is below: lane `l` is below every commit
    /// reachable from one of its `bases` (`(l, commit)`), or from a commit for which
    /// `more_bases` (asked of each commit some lane still counts, in walk order, with its
    /// files) returns `l`.
    ///
    /// One walk for every lane: each commit is read and diffed once, and only while some lane
    /// still counts it; the walk stops once every lane's base is behind it.
    #[expect(
        clippy::indexing_slicing,
        reason = "`k` and `p` are positions in `order`, which `below` and `index` are built from"
    )]
    pub fn walk(
        &self,
        tip: &str,
        lanes: usize,
        bases: &[(usize, String)],
        mut more_bases: impl FnMut(&CommitInfo, &[String]) -> Result<Vec<usize>, Error>,
    ) -> Result<Vec<Walked>, Error> {
        // PASS 1: the commits some lane may count, from the commit-graph when there is one.
        let nodes = self.reach(tip, lanes, bases)?;
        let live = |below: &Lanes| !below.holds_all(lanes);
        let counted: Vec<&Node> = nodes.iter().filter(|n| n.from_tip && live(&n.below)).collect();
        let order = topological(counted, |n| &n.id, |n| &n.parents);
        let index: HashMap<ObjectId, usize> = order.iter().enumerate().map(|(k, n)| (n.id, k)).collect();
        let mut below: Vec<Lanes> = order.iter().map(|n| n.below.clone()).collect();
        let mut walked: Vec<(usize, Walked)> = Vec::with_capacity(order.len());
        // PASS 2, a stretch at a time: read and diff the commits still counted,
        // then pass the bases `more_bases` finds on to the commits they reach.
        for start in (0..order.len()).step_by(WALK_STRETCH) {
            let stretch: Vec<usize> = (start..order.len().min(start + WALK_STRETCH)).collect();
            let wanted: Vec<usize> = stretch.iter().copied().filter(|&k| live(&below[k])).collect();
            let ids: Vec<ObjectId> = wanted.iter().map(|&k| order[k].id).collect();
            let mut read = wanted.into_iter().zip(self.read_commits(&ids)?).peekable();
            for k in stretch {
                let this = read.next_if(|(w, _)| *w == k).map(|(_, commit)| commit);
                // A base found earlier in the stretch may have reached it since.
                if let Some((info, paths)) = this.filter(|_| live(&below[k])) {
                    for lane in more_bases(&info, &paths)? {
                        below[k].insert(lane);
                    }
                    walked.push((k, Walked { info, paths, below: Lanes::default() }));
                }
                let lanes_here = below[k].clone();
                for parent in &order[k].parents {
                    if let Some(&p) = index.get(parent) {
                        below[p].union(&lanes_here);
                    }
                }
            }
        }
        Ok(walked
            .into_iter()
            .map(|(k, mut w)| {
                w.below = std::mem::take(&mut below[k]);
                w
            })
            .collect())
    }

    /// Returns every commit a walk meets: those reachable from `tip` or a base, each with the
    /// lanes whose base reaches it, until no commit left to visit is counted by any lane.
    ///
    /// It goes by the commit-graph's generation numbers when the repository has one, else by
    /// commit time (then a commit met again through a child with a skewed clock passes its lanes
    /// on again).
    #[expect(
        clippy::indexing_slicing,
        reason = "every index is a position in `nodes`, as `meet` returns it or `index` holds it"
    )]
    fn reach(&self, tip: &str, lanes: usize, bases: &[(usize, String)]) -> Result<Vec<Node>, Error> {
        let graph = self.repo.commit_graph_if_enabled().ok().flatten();
        let mut nodes: Vec<Node> = Vec::new();
        let mut index: HashMap<ObjectId, usize> = HashMap::new();
        let mut queue = std::collections::BinaryHeap::new();
        let live = |node: &Node| node.from_tip && !node.below.holds_all(lanes);
        let mut starts = vec![(self.id(tip)?, None)];
        for (lane, base) in bases {
            starts.push((self.id(base)?, Some(*lane)));
        }
        for (id, lane) in starts {
            let at = match index.get(&id) {
                Some(&at) => at,
                None => self.meet(graph.as_ref(), id, &mut nodes, &mut index, &mut queue)?,
            };
            match lane {
                Some(lane) => nodes[at].below.insert(lane),
                None => nodes[at].from_tip = true,
            }
        }
        // A commit only a base reaches may still pass its lanes on to one the tip reaches (a
        // release tagged on a line that forks from the tip's history, or later than the tip):
        // walk on until no such commit is left either. By generation numbers, a commit's lanes
        // are all in when it is taken; by time, ties and skews can take a commit before a child,
        // which then passes its lanes on again.
        let pending = |node: &Node| live(node) || !node.from_tip && !node.below.is_empty();
        while queue.iter().any(|&(_, _, std::cmp::Reverse(at))| pending(&nodes[at])) {
            let Some((_, _, std::cmp::Reverse(at))) = queue.pop() else { break };
            nodes[at].queued = false;
            let (below, from_tip) = (nodes[at].below.clone(), nodes[at].from_tip);
            for parent in nodes[at].parents.clone() {
                let p = match index.get(&parent) {
                    Some(&p) => p,
                    None => self.meet(graph.as_ref(), parent, &mut nodes, &mut index, &mut queue)?,
                };
                let node = &mut nodes[p];
                let changed = node.below.union(&below) | (from_tip && !node.from_tip);
                node.from_tip |= from_tip;
                if changed && !node.queued {
                    node.queued = true;
                    queue.push((node.key.0, node.key.1, std::cmp::Reverse(p)));
                }
            }
        }
        Ok(nodes)
    }

    /// Returns each of `ids` as [`CommitInfo`] with the files it changes, in order.
    fn read_commits(&self, ids: &[ObjectId]) -> Result<Vec<(CommitInfo, Vec<String>)>, Error> {
        let infos = ids.iter().map(|&id| self.commit_info(id)).collect::<Result<Vec<_>, _>>()?;
        let paths = self.changed_paths_of(&infos)?;
        Ok(infos.into_iter().zip(paths).collect())
    }

    /// Adds the node of commit `id` to a walk, queued; returns its index.
    fn meet(
        &self,
        graph: Option<&gix::commitgraph::Graph>,
        id: ObjectId,
        nodes: &mut Vec<Node>,
        index: &mut HashMap<ObjectId, usize>,
        queue: &mut std::collections::BinaryHeap<(u32, i64, std::cmp::Reverse<usize>)>,
    ) -> Result<usize, Error> {
        let read = |message: String| Error::Read { what: format!("commit {id}"), message };
        let in_graph = graph.and_then(|g| g.commit_by_id(id).map(|c| (g, c)));
        let (key, parents) = match in_graph {
            Some((graph, commit)) => {
                let parents = commit
                    .iter_parents()
                    .map(|p| p.map(|p| graph.id_at(p).to_owned()))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| read(e.to_string()))?;
                let time = i64::try_from(commit.committer_timestamp()).unwrap_or(i64::MAX);
                ((commit.generation(), time), parents)
            }
            None => {
                let commit = self.repo.find_commit(id).map_err(|e| read(e.to_string()))?;
                let time = commit.time().map_err(|e| read(e.to_string()))?.seconds;
                let parents = commit.parent_ids().map(gix::Id::detach).collect();
                ((u32::MAX, time), parents)
            }
        };
        let at = nodes.len();
        nodes.push(Node { id, key, parents, below: Lanes::default(), from_tip: false, queued: true });
        index.insert(id, at);
        queue.push((key.0, key.1, std::cmp::Reverse(at)));
        Ok(at)
    }

    /// Returns the commits reachable from `tip` but not from `hidden`, newest first (no parent
    /// before its children), each with the files it changes.
    pub fn commits_with_paths(&self, tip: &str, hidden: &[String]) -> Result<Vec<Walked>, Error> {
        let bases: Vec<(usize, String)> = hidden.iter().map(|h| (0, h.clone())).collect();
        let walked = self.walk(tip, 1, &bases, |_, _| Ok(Vec::new()))?;
        Ok(walked.into_iter().filter(|w| !w.is_below(0)).collect())
    }
}
