//! OpsStore: the job table with leases, the outbox, rejected callbacks.

use std::sync::Arc;

use yc_domain::JobId;
use yc_store::{Job, RejectedCallback, Store};

use crate::fixtures::{self, T0, at, job};

fn job_ids(jobs: &[Job]) -> Vec<JobId> {
    jobs.iter().map(|j| j.id).collect()
}

pub async fn jobs_claim_respects_leases(store: Arc<dyn Store>) {
    let due = job("expire_order", T0);
    let older = job("auto_complete", at(-1000));
    let future = job("expire_order", at(60_000));
    for j in [&due, &older, &future] {
        store.schedule_job(j).await.unwrap();
    }

    let claimed = store.claim_jobs(T0, at(30_000), 10).await.unwrap();
    assert_eq!(
        job_ids(&claimed),
        vec![older.id, due.id],
        "due jobs only, oldest run_at first"
    );
    assert_eq!(claimed[1].kind, "expire_order");
    assert_eq!(claimed[1].payload, due.payload);
    assert_eq!(claimed[1].run_at, T0);
    assert!(
        claimed.iter().all(|j| j.attempts == 1),
        "claiming counts an attempt"
    );

    assert!(
        store
            .claim_jobs(at(1000), at(31_000), 10)
            .await
            .unwrap()
            .is_empty(),
        "leased jobs are not claimed again before the lease ends"
    );

    let reclaimed = store.claim_jobs(at(30_001), at(45_000), 1).await.unwrap();
    assert_eq!(
        job_ids(&reclaimed),
        vec![older.id],
        "expired lease, limit 1"
    );
    assert_eq!(reclaimed[0].attempts, 2);

    let rest = store.claim_jobs(at(60_001), at(90_000), 10).await.unwrap();
    assert_eq!(job_ids(&rest), vec![older.id, due.id, future.id]);
    let attempts: Vec<u32> = rest.iter().map(|j| j.attempts).collect();
    assert_eq!(attempts, vec![3, 2, 1]);
}

pub async fn jobs_finish_and_retry(store: Arc<dyn Store>) {
    let done = job("expire_order", T0);
    let flaky = job("refund", T0);
    store.schedule_job(&done).await.unwrap();
    store.schedule_job(&flaky).await.unwrap();
    let claimed = store.claim_jobs(T0, at(30_000), 10).await.unwrap();
    assert_eq!(claimed.len(), 2);

    store.finish_job(done.id).await.unwrap();
    store
        .retry_job(flaky.id, at(5000), "provider timed out")
        .await
        .unwrap();

    assert!(
        store
            .claim_jobs(at(1000), at(2000), 10)
            .await
            .unwrap()
            .is_empty(),
        "a retried job waits for its new run_at"
    );
    let again = store.claim_jobs(at(5000), at(35_000), 10).await.unwrap();
    assert_eq!(
        job_ids(&again),
        vec![flaky.id],
        "retry releases the lease; finish deletes"
    );
    assert_eq!(again[0].attempts, 2);
    assert_eq!(again[0].run_at, at(5000));

    store.finish_job(flaky.id).await.unwrap();
    let far = at(1_000_000_000);
    assert!(store.claim_jobs(far, far, 10).await.unwrap().is_empty());
}

pub async fn outbox_unpublished_and_mark(store: Arc<dyn Store>) {
    let shop = fixtures::merchant(&store).await;
    let buyer = fixtures::buyer(&store).await;
    let p = fixtures::stored_product(&store, shop.id, &[(100, 10)]).await;
    assert!(store.unpublished_events(10).await.unwrap().is_empty());
    let mut events = Vec::new();
    for i in 0..3 {
        let new = fixtures::new_order(buyer.id, &p, &[(0, 1)], at(i * 10));
        store.create_order(&new).await.unwrap();
        events.push(new.event);
    }
    let ids: Vec<_> = events.iter().map(|e| e.id).collect();

    let first = store.unpublished_events(2).await.unwrap();
    assert_eq!(
        first.iter().map(|e| e.id).collect::<Vec<_>>(),
        ids[0..2].to_vec(),
        "oldest first, limited"
    );
    assert_eq!(first[0].topic, events[0].topic);
    assert_eq!(first[0].payload, events[0].payload);
    assert_eq!(first[0].created_at, events[0].created_at);

    store
        .mark_events_published(&ids[0..2], at(100))
        .await
        .unwrap();
    assert_eq!(fixtures::unpublished_ids(&store).await, vec![ids[2]]);
    store
        .mark_events_published(&ids[0..1], at(200))
        .await
        .unwrap();
    store.mark_events_published(&[], at(200)).await.unwrap();
    assert_eq!(fixtures::unpublished_ids(&store).await, vec![ids[2]]);
    store
        .mark_events_published(&ids[2..3], at(300))
        .await
        .unwrap();
    assert!(store.unpublished_events(10).await.unwrap().is_empty());
}

pub async fn rejected_callbacks_are_counted(store: Arc<dyn Store>) {
    assert_eq!(store.count_rejected_callbacks().await.unwrap(), 0);
    for (i, reason) in ["bad_signature", "unknown_payment"].into_iter().enumerate() {
        let rejected = RejectedCallback {
            channel: "alipay".into(),
            reason: reason.into(),
            excerpt: "out_trade_no=…&sign=…".into(),
            at: at(i as i64),
        };
        store.record_rejected_callback(&rejected).await.unwrap();
    }
    assert_eq!(store.count_rejected_callbacks().await.unwrap(), 2);
}
