//! Diesel's view of the tables; one schema for both backends (kept in step with `migrations/`).

diesel::table! {
    members (id) {
        id -> BigInt,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        password_hash -> Text,
        display_name -> Text,
        is_admin -> Bool,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        credit_score -> Nullable<Integer>,
        credit_score_updated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> BigInt,
        member_id -> BigInt,
        family_id -> Text,
        token_hash -> Text,
        issued_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    app_secrets (name) {
        name -> Text,
        value -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    audit_events (id) {
        id -> BigInt,
        actor_member_id -> Nullable<BigInt>,
        action -> Text,
        subject_type -> Text,
        subject_id -> Text,
        detail -> Text,
        request_id -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    supplier_applications (id) {
        id -> BigInt,
        applicant_member_id -> BigInt,
        company_name -> Text,
        credit_code -> Text,
        registered_capital_fen -> BigInt,
        general_taxpayer -> Bool,
        contact_name -> Text,
        contact_phone -> Text,
        categories -> Text,
        brand_authorisations -> Text,
        procurement_vouchers -> Text,
        status -> Text,
        reject_reason -> Nullable<Text>,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    suppliers (id) {
        id -> BigInt,
        application_id -> BigInt,
        company_name -> Text,
        credit_code -> Text,
        categories -> Text,
        required_deposit_fen -> BigInt,
        status -> Text,
        is_active -> Bool,
        exit_requested_at -> Nullable<Timestamp>,
        exit_due_at -> Nullable<Timestamp>,
        exited_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    supplier_members (member_id) {
        member_id -> BigInt,
        supplier_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    brand_authorisations (id) {
        id -> BigInt,
        supplier_id -> BigInt,
        brand -> Text,
        chain -> Text,
        valid_from -> Date,
        valid_until -> Date,
    }
}

diesel::table! {
    ledger_accounts (id) {
        id -> BigInt,
        code -> Text,
        normal_side -> Text,
        allow_negative -> Bool,
        balance_fen -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    ledger_postings (id) {
        id -> BigInt,
        business_key -> Text,
        kind -> Text,
        memo -> Text,
        actor_member_id -> Nullable<BigInt>,
        request_id -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    ledger_entries (id) {
        id -> BigInt,
        posting_id -> BigInt,
        account_id -> BigInt,
        amount_fen -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    goods (id) {
        id -> BigInt,
        supplier_id -> BigInt,
        title -> Text,
        description -> Text,
        category_code -> Text,
        brand -> Nullable<Text>,
        voucher_reference -> Nullable<Text>,
        image_urls -> Text,
        reference_price_fen -> BigInt,
        market_commission_bps -> Integer,
        commission_bps -> Integer,
        pending_commission_bps -> Nullable<Integer>,
        pending_commission_at -> Nullable<Timestamp>,
        status -> Text,
        takedown_reason -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        min_price_fen -> BigInt,
    }
}

diesel::table! {
    goods_skus (id) {
        id -> BigInt,
        goods_id -> BigInt,
        attributes -> Text,
        price_fen -> BigInt,
        stock -> BigInt,
        per_buyer_limit -> Nullable<Integer>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    verifications (id) {
        id -> BigInt,
        member_id -> BigInt,
        legal_name -> Text,
        id_number_masked -> Text,
        id_number_digest -> Text,
        status -> Text,
        reject_reason -> Nullable<Text>,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    tier_history (member_id, month) {
        member_id -> BigInt,
        month -> Text,
        tier -> Text,
        created_at -> Timestamp,
        previous_tier -> Nullable<Text>,
        gmv_fen -> BigInt,
        orders -> BigInt,
        buyers -> BigInt,
        refund_rate_bps -> Integer,
        serious_violations -> BigInt,
        reason -> Text,
        run_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    member_violations (id) {
        id -> BigInt,
        member_id -> BigInt,
        serious -> Bool,
        reason -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    tier_runs (id) {
        id -> BigInt,
        month -> Text,
        shard_index -> Integer,
        shard_count -> Integer,
        status -> Text,
        holder -> Text,
        heartbeat_at -> Timestamp,
        last_member_id -> BigInt,
        total -> BigInt,
        processed -> BigInt,
        promoted -> BigInt,
        demoted -> BigInt,
        unchanged -> BigInt,
        started_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
        before_rookie -> BigInt,
        before_senior -> BigInt,
        before_elite -> BigInt,
        before_super -> BigInt,
        after_rookie -> BigInt,
        after_senior -> BigInt,
        after_elite -> BigInt,
        after_super -> BigInt,
    }
}

diesel::table! {
    shops (id) {
        id -> BigInt,
        owner_member_id -> BigInt,
        shop_no -> Text,
        name -> Text,
        name_key -> Text,
        logo_url -> Nullable<Text>,
        description -> Text,
        status -> Text,
        item_count -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        closed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    shop_items (id) {
        id -> BigInt,
        shop_id -> BigInt,
        goods_id -> BigInt,
        recommendation -> Text,
        position -> BigInt,
        pinned -> Bool,
        removed_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    share_codes (code) {
        code -> Text,
        shop_item_id -> BigInt,
        visits -> BigInt,
        revoked_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    orders (id) {
        id -> BigInt,
        order_no -> Text,
        buyer_member_id -> BigInt,
        shop_id -> BigInt,
        status -> Text,
        total_fen -> BigInt,
        recipient_name -> Text,
        recipient_phone -> Text,
        region -> Text,
        address_detail -> Text,
        buyer_note -> Nullable<Text>,
        payment_due_at -> Timestamp,
        paid_at -> Nullable<Timestamp>,
        cancelled_at -> Nullable<Timestamp>,
        cancel_reason -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    supplier_orders (id) {
        id -> BigInt,
        order_id -> BigInt,
        supplier_id -> BigInt,
        status -> Text,
        total_fen -> BigInt,
        carrier -> Nullable<Text>,
        tracking_no -> Nullable<Text>,
        shipped_at -> Nullable<Timestamp>,
        received_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    order_lines (id) {
        id -> BigInt,
        order_id -> BigInt,
        supplier_order_id -> BigInt,
        shop_item_id -> BigInt,
        goods_id -> BigInt,
        sku_id -> BigInt,
        supplier_id -> BigInt,
        shop_id -> BigInt,
        shopkeeper_member_id -> BigInt,
        title -> Text,
        sku_attributes -> Text,
        unit_price_fen -> BigInt,
        quantity -> Integer,
        amount_fen -> BigInt,
        commission_bps -> Integer,
        tier -> Text,
        tier_bonus_bps -> Integer,
        commission_fen -> BigInt,
        tier_bonus_fen -> BigInt,
        no_commission_reason -> Nullable<Text>,
        created_at -> Timestamp,
        platform_fee_bps -> Integer,
        refunded_quantity -> Integer,
        settled_at -> Nullable<Timestamp>,
        commission_plan_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    order_events (id) {
        id -> BigInt,
        order_id -> BigInt,
        supplier_order_id -> Nullable<BigInt>,
        from_status -> Text,
        to_status -> Text,
        actor_kind -> Text,
        actor_member_id -> Nullable<BigInt>,
        note -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    idempotency_keys (id) {
        id -> BigInt,
        member_id -> BigInt,
        scope -> Text,
        idempotency_key -> Text,
        request_hash -> Text,
        response_status -> Integer,
        response_body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    payments (id) {
        id -> BigInt,
        payment_no -> Text,
        order_id -> BigInt,
        gateway -> Text,
        amount_fen -> BigInt,
        status -> Text,
        gateway_trade_no -> Nullable<Text>,
        created_at -> Timestamp,
        succeeded_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    payment_events (id) {
        id -> BigInt,
        gateway -> Text,
        event_id -> Text,
        payment_no -> Text,
        amount_fen -> BigInt,
        outcome -> Text,
        payload -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    refunds (id) {
        id -> BigInt,
        refund_no -> Text,
        payment_id -> BigInt,
        order_id -> BigInt,
        amount_fen -> BigInt,
        reason -> Text,
        status -> Text,
        gateway_refund_no -> Nullable<Text>,
        attempts -> Integer,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        aftersales_case_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    aftersales_cases (id) {
        id -> BigInt,
        case_no -> Text,
        order_id -> BigInt,
        supplier_order_id -> BigInt,
        supplier_id -> BigInt,
        buyer_member_id -> BigInt,
        kind -> Text,
        status -> Text,
        reason -> Text,
        image_urls -> Text,
        refund_fen -> BigInt,
        restock -> Bool,
        return_carrier -> Nullable<Text>,
        return_tracking_no -> Nullable<Text>,
        supplier_note -> Nullable<Text>,
        respond_by -> Timestamp,
        escalate_by -> Nullable<Timestamp>,
        decision_note -> Nullable<Text>,
        decided_by_member_id -> Nullable<BigInt>,
        compensation_fen -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    aftersales_lines (id) {
        id -> BigInt,
        case_id -> BigInt,
        order_line_id -> BigInt,
        quantity -> Integer,
        amount_fen -> BigInt,
    }
}

diesel::table! {
    aftersales_messages (id) {
        id -> BigInt,
        case_id -> BigInt,
        party -> Text,
        member_id -> Nullable<BigInt>,
        action -> Text,
        body -> Text,
        image_urls -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    supplier_violations (id) {
        id -> BigInt,
        supplier_id -> BigInt,
        aftersales_case_id -> BigInt,
        kind -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    job_leases (job) {
        job -> Text,
        holder -> Text,
        expires_at -> Timestamp,
    }
}

diesel::joinable!(refresh_tokens -> members (member_id));
diesel::joinable!(shop_items -> shops (shop_id));
diesel::joinable!(shop_items -> goods (goods_id));
diesel::joinable!(share_codes -> shop_items (shop_item_id));
diesel::joinable!(supplier_members -> suppliers (supplier_id));
diesel::joinable!(brand_authorisations -> suppliers (supplier_id));
diesel::table! {
    withdrawals (id) {
        id -> BigInt,
        withdrawal_no -> Text,
        party -> Text,
        party_id -> BigInt,
        requested_by_member_id -> BigInt,
        amount_fen -> BigInt,
        account_kind -> Text,
        account_no -> Text,
        account_holder -> Text,
        gateway -> Text,
        status -> Text,
        gateway_payout_no -> Nullable<Text>,
        failure_reason -> Nullable<Text>,
        attempts -> Integer,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    commission_plans (id) {
        id -> BigInt,
        supplier_id -> BigInt,
        name -> Text,
        commission_bps -> Integer,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        suspended_until -> Nullable<Timestamp>,
        created_by_member_id -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    commission_plan_targets (plan_id, shop_id, goods_id) {
        plan_id -> BigInt,
        shop_id -> BigInt,
        goods_id -> BigInt,
    }
}

diesel::joinable!(commission_plan_targets -> commission_plans (plan_id));
diesel::joinable!(ledger_entries -> ledger_postings (posting_id));
diesel::joinable!(ledger_entries -> ledger_accounts (account_id));
diesel::joinable!(goods -> suppliers (supplier_id));
diesel::joinable!(goods_skus -> goods (goods_id));
diesel::joinable!(audit_events -> members (actor_member_id));
diesel::joinable!(orders -> shops (shop_id));
diesel::joinable!(supplier_orders -> orders (order_id));
diesel::joinable!(order_lines -> orders (order_id));
diesel::joinable!(order_lines -> supplier_orders (supplier_order_id));
diesel::joinable!(order_events -> orders (order_id));
diesel::joinable!(payments -> orders (order_id));
diesel::joinable!(refunds -> payments (payment_id));
diesel::joinable!(aftersales_cases -> supplier_orders (supplier_order_id));
diesel::joinable!(aftersales_lines -> aftersales_cases (case_id));
diesel::joinable!(aftersales_lines -> order_lines (order_line_id));
diesel::joinable!(aftersales_messages -> aftersales_cases (case_id));

diesel::allow_tables_to_appear_in_same_query!(
    members,
    refresh_tokens,
    app_secrets,
    audit_events,
    supplier_applications,
    suppliers,
    supplier_members,
    brand_authorisations,
    ledger_accounts,
    ledger_postings,
    ledger_entries,
    goods,
    goods_skus,
    verifications,
    tier_history,
    shops,
    shop_items,
    share_codes,
    orders,
    supplier_orders,
    order_lines,
    order_events,
    idempotency_keys,
    payments,
    payment_events,
    refunds,
    job_leases,
    aftersales_cases,
    aftersales_lines,
    aftersales_messages,
    supplier_violations,
    withdrawals,
    commission_plans,
    commission_plan_targets,
    member_violations,
    tier_runs,
);
