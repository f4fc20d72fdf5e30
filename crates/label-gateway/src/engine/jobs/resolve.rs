//! What a change job wants of every customer, resolved once before the first: its references
//! through the target's catalog, and with `create_missing` the labels it lacks, created.

use label_core::{CallContext, LabelIdentity, LabelProvider, NewLabel, Op};

use super::labels::{Labels, Wanted};
use super::lease::persist;
use super::model::{Meta, StoredRef};
use crate::contract::{Code, Error};

/// Resolved once, before the first customer: two references naming one label refuse the job
/// (its outcome would depend on their order), and with `create_missing` an added name the
/// catalog lacks is created now, once (in a dry run it would be: `would_apply`).
pub async fn wanted(
    meta: &Meta,
    labels: &mut Labels,
    target: &dyn LabelProvider,
    ctx: &CallContext,
) -> Result<Vec<Wanted>, Error> {
    let adds = meta.spec.add.iter().map(|r| (Op::Add, "add", r));
    let removes = meta.spec.remove.iter().map(|r| (Op::Remove, "remove", r));
    let mut wanted: Vec<Wanted> = Vec::new();
    let mut pointers: Vec<String> = Vec::new();
    for (op, list, reference) in adds.chain(removes) {
        let index = pointers
            .iter()
            .filter(|p| p.starts_with(&format!("/{list}/")))
            .count();
        let pointer = format!("/{list}/{index}");
        let mut want = labels.want(op, &reference.to_ref());
        if let (None, StoredRef::Name(name), Op::Add) = (&want.identity, reference, op) {
            if meta.spec.create_missing && labels.capabilities().create_labels {
                want.identity = Some(create(meta, labels, want.label, name, target, ctx).await?);
            }
        }
        if let Some(earlier) = wanted
            .iter()
            .position(|w| w.identity.is_some() && w.label == want.label)
        {
            let detail = format!("{pointer} names the same label as {}", pointers[earlier]);
            return Err(Error::new(Code::InvalidRequest, detail));
        }
        wanted.push(want);
        pointers.push(pointer);
    }
    Ok(wanted)
}

/// Creates a missing label for `create_missing` (not in a dry run: there it only would be).
async fn create(
    meta: &Meta,
    labels: &mut Labels,
    place: u32,
    name: &str,
    target: &dyn LabelProvider,
    ctx: &CallContext,
) -> Result<LabelIdentity, Error> {
    if meta.spec.dry_run {
        return Ok(LabelIdentity {
            id: None,
            name: Some(name.to_owned()),
        });
    }
    let new = NewLabel {
        name: name.to_owned(),
        description: None,
        colour: None,
    };
    let made = persist(|| target.create_label(ctx, &new)).await?;
    let identity = made.label.identity();
    labels.created(place, &identity);
    Ok(identity)
}
