//! Fulfilment: shipping with a masked waybill, signed tracking from the
//! sandbox carrier (forgeries and replays refused), ETA, delivery, and
//! receipt confirmed by the buyer or by the clock.

use crate::story;
use yc_domain::fulfilment::{Direction, TrackingStatus};
use yc_domain::order::OrderStatus;
use yc_services::ServiceError;
use yc_services::fulfilment::{CarrierCallback, SandboxCarrier, ShipInput};

story!(
    ship_track_deliver_autoconfirm,
    |w: crate::harness::World| async move {
        let shop = w.merchant("ful_shop").await;
        let product = w.product(&shop, 10).await;
        let (buyer, addr) = w.buyer_with_address("ful_buyer").await;
        let order = w.paid_order(&buyer, &addr, &product, 1, false).await;

        let shipment = w.ship(&shop, &order).await;
        assert_eq!(shipment.direction, Direction::Outbound);
        assert_eq!(shipment.waybill.recipient(), "李*", "隐私面单: name masked");
        assert_eq!(
            shipment.waybill.phone(),
            "139****9000",
            "隐私面单: phone masked"
        );
        assert!(!shipment.waybill.detail().contains("中关村大街1号"));
        let view = w.services.merchant_tracking(&shop, order.id).await.unwrap();
        let json = serde_json::to_string(&view).unwrap();
        assert!(!json.contains("13900139000") && !json.contains("中关村大街1号"));
        assert_eq!(
            w.services.order(&buyer, order.id).await.unwrap().status,
            OrderStatus::Shipped
        );

        // Shipping again with the same waybill answers the same parcel; another
        // waybill is a conflict.
        let again = w
            .services
            .ship_order(
                &shop,
                ShipInput {
                    order_id: order.id,
                    carrier: "sandbox".into(),
                    tracking_no: Some(shipment.tracking_no.clone()),
                },
            )
            .await
            .unwrap();
        assert_eq!(again.id, shipment.id);

        // Before any event the ETA comes from the carrier's promise or class.
        let tracking = w.services.order_tracking(&buyer, order.id).await.unwrap();
        let eta = tracking.parcels[0].eta.unwrap();
        assert!(eta.expected_at > w.clock_now());

        // The scheduled callbacks arrive as the clock moves.
        w.advance_hours(13);
        w.drain_jobs().await;
        let tracking = w.services.order_tracking(&buyer, order.id).await.unwrap();
        assert_eq!(
            tracking.parcels[0].shipment.events[0].status,
            TrackingStatus::PickedUp
        );
        w.deliver_all(&shop, &shipment.tracking_no).await;
        let delivered = w.services.order(&buyer, order.id).await.unwrap();
        assert_eq!(delivered.status, OrderStatus::Delivered);
        let parcel = &w
            .services
            .order_tracking(&buyer, order.id)
            .await
            .unwrap()
            .parcels[0];
        assert_eq!(
            parcel.eta.unwrap().expected_at,
            parcel.shipment.delivered_at.unwrap()
        );

        // Nine days later nothing; ten days after delivery it completes itself.
        w.advance_days(9);
        w.drain_jobs().await;
        assert_eq!(
            w.services.order(&buyer, order.id).await.unwrap().status,
            OrderStatus::Delivered
        );
        w.advance_days(1);
        w.drain_jobs().await;
        assert_eq!(
            w.services.order(&buyer, order.id).await.unwrap().status,
            OrderStatus::Completed
        );
    }
);

story!(
    buyer_confirms_early,
    |w: crate::harness::World| async move {
        let shop = w.merchant("ful2_shop").await;
        let product = w.product(&shop, 10).await;
        let (buyer, addr) = w.buyer_with_address("ful2_buyer").await;
        let order = w.paid_order(&buyer, &addr, &product, 1, false).await;
        assert!(matches!(
            w.services.confirm_receipt(&buyer, order.id).await,
            Err(ServiceError::IllegalTransition(_))
        ));
        let shipment = w.ship(&shop, &order).await;
        w.deliver_all(&buyer, &shipment.tracking_no).await;
        let done = w.services.confirm_receipt(&buyer, order.id).await.unwrap();
        assert_eq!(done.status, OrderStatus::Completed);
        // The auto-confirm job later finds nothing to do.
        w.advance_days(11);
        w.drain_jobs().await;
    }
);

story!(
    forged_and_replayed_events_rejected,
    |w: crate::harness::World| async move {
        let shop = w.merchant("ful3_shop").await;
        let product = w.product(&shop, 10).await;
        let (buyer, addr) = w.buyer_with_address("ful3_buyer").await;
        let order = w.paid_order(&buyer, &addr, &product, 1, false).await;
        let shipment = w.ship(&shop, &order).await;
        let sandbox = w.services.carriers.sandbox.clone().unwrap();
        let schedule = sandbox.schedule(shipment.lane, shipment.shipped_at, &shipment.tracking_no);
        let last = schedule.last().unwrap().clone();
        assert_eq!(last.status, TrackingStatus::Delivered);

        // Forged: signed with another key.
        let forger = SandboxCarrier::new(b"not-the-carrier");
        let forged =
            serde_json::to_string(&forger.signed(&shipment.tracking_no, last.clone())).unwrap();
        assert!(matches!(
            w.services.carrier_callback("sandbox", &forged).await,
            Err(ServiceError::CallbackRejected(_))
        ));
        // Tampered: a genuine signature over other content.
        let mut tampered: CarrierCallback =
            sandbox.signed(&shipment.tracking_no, schedule[0].clone());
        tampered.event.city = "别处".into();
        let body = serde_json::to_string(&tampered).unwrap();
        assert!(w.services.carrier_callback("sandbox", &body).await.is_err());
        // Genuine first event, then its replay.
        let first =
            serde_json::to_string(&sandbox.signed(&shipment.tracking_no, schedule[0].clone()))
                .unwrap();
        w.services
            .carrier_callback("sandbox", &first)
            .await
            .unwrap();
        assert!(matches!(
            w.services.carrier_callback("sandbox", &first).await,
            Err(ServiceError::CallbackRejected(_))
        ));
        assert_eq!(
            w.services.store.count_rejected_callbacks().await.unwrap(),
            3
        );
        assert_eq!(
            w.services.order(&buyer, order.id).await.unwrap().status,
            OrderStatus::Shipped,
            "nothing forged moved the order"
        );
        // Garbage is refused without panicking.
        assert!(
            w.services
                .carrier_callback("sandbox", "{not json")
                .await
                .is_err()
        );
        assert!(w.services.carrier_callback("nope", &first).await.is_err());
    }
);
