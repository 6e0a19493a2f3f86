use serde_json::json;

use crate::support::{goods_body, Session, TestApp, CREDIT_CODES};
use crate::worlds::add_item_recommending;

/// An active supplier's goods in an open shop, recommended in the keeper's words.
struct ShopItem {
    keeper: Session,
    shop_id: i64,
    shop_no: String,
    item_id: i64,
}

async fn shop_item(app: &TestApp, recommendation: &str) -> ShopItem {
    let supplier = app.active_supplier("s@b.cn", CREDIT_CODES[0]).await;
    let goods_id = app.listed_goods(&supplier, &goods_body()).await;
    let (keeper, shop_id, shop_no) = app
        .shopkeeper("k@b.cn", 1, "阿明的零食铺", &supplier.admin)
        .await;
    let item_id = add_item_recommending(app, &keeper, shop_id, goods_id, recommendation).await;
    ShopItem {
        keeper,
        shop_id,
        shop_no,
        item_id,
    }
}

/// Where the keeper shares an item of their shop.
fn share_path(shop_id: i64, item_id: i64) -> String {
    format!("/api/v1/me/shops/{shop_id}/items/{item_id}/share")
}

/// Draws the SVG and reads its QR code back with an independent decoder.
fn decode_qr(svg: &str) -> String {
    let tree =
        resvg::usvg::Tree::from_str(svg, &resvg::usvg::Options::default()).expect("valid SVG");
    let size = tree.size().to_int_size();
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height()).unwrap();
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::default(),
        &mut pixmap.as_mut(),
    );
    let width = size.width() as usize;
    let mut image =
        rqrr::PreparedImage::prepare_from_greyscale(width, size.height() as usize, |x, y| {
            let pixel = pixmap.pixels()[y * width + x];
            ((u16::from(pixel.red()) + u16::from(pixel.green()) + u16::from(pixel.blue())) / 3)
                as u8
        });
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code on the poster");
    grids[0].decode().expect("QR decodes").1
}

#[actix_web::test]
async fn a_share_code_opens_the_item_counts_visits_and_its_poster_qr_decodes_to_the_link() {
    let app = TestApp::builder()
        .with_settings(|s| s.sharing.public_base_url = "https://xiaopu.example.cn".to_owned())
        .start()
        .await;
    let ShopItem {
        keeper,
        shop_id,
        shop_no,
        item_id,
    } = shop_item(&app, "孩子每天都要吃 <3").await;
    let token = Some(keeper.access.as_str());
    let share_path = share_path(shop_id, item_id);

    let shared = app.post(&share_path, &json!({}), token).await;
    assert_eq!(shared.status, 201, "{}", shared.text);
    let code = shared.json()["code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 8);
    assert!(
        code.bytes()
            .all(|b| b"23456789ABCDEFGHJKMNPQRSTUVWXYZ".contains(&b)),
        "{code}"
    );
    let url = format!("https://xiaopu.example.cn/s/{code}");
    assert_eq!(shared.json()["url"], url);
    let copy = shared.json()["copy_text"].as_str().unwrap().to_owned();
    assert!(
        copy.contains("FarmJoy dried mango") && copy.contains("¥29.90") && copy.contains(&url),
        "{copy}"
    );
    let again = app.post(&share_path, &json!({}), token).await;
    assert_eq!(
        (again.status, again.json()["code"].clone()),
        (200, json!(code))
    );

    for visit in 1..=2 {
        let opened = app.get(&format!("/api/v1/share/{code}"), None).await;
        assert_eq!(opened.status, 200, "{}", opened.text);
        assert_eq!(opened.json()["visits"], visit);
        assert_eq!(opened.json()["item"]["id"], item_id);
        assert_eq!(opened.json()["item"]["shop"]["shop_no"], shop_no);
        assert!(!opened.text.contains("commission"));
    }

    let poster = app
        .get(&format!("/api/v1/share/{code}/poster.svg"), None)
        .await;
    assert_eq!(poster.status, 200);
    assert!(poster
        .header("content-type")
        .unwrap()
        .starts_with("image/svg+xml"));
    assert!(poster.text.contains("阿明的零食铺的小铺") && poster.text.contains("¥29.90"));
    assert!(
        poster.text.contains("孩子每天都要吃 &lt;3"),
        "user text is escaped"
    );
    assert_eq!(decode_qr(&poster.text), url);

    // Unknown and revoked codes are not found, with a body the app can show.
    let unknown = app.get("/api/v1/share/ABCDEFGH", None).await;
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.json()["detail"], "share link not found");
    assert_eq!(app.get("/api/v1/share/not-a-code", None).await.status, 404);
    let other = app.signed_in("o@b.cn").await;
    assert_eq!(
        app.delete(&share_path, Some(&other.access)).await.status,
        403
    );
    assert_eq!(app.delete(&share_path, token).await.status, 204);
    assert_eq!(
        app.get(&format!("/api/v1/share/{code}"), None).await.status,
        404
    );
    assert_eq!(
        app.get(&format!("/api/v1/share/{code}/poster.svg"), None)
            .await
            .status,
        404
    );

    // A new share gets a new code; removing the item revokes it too.
    let renewed = app.post(&share_path, &json!({}), token).await;
    assert_eq!(renewed.status, 201);
    let new_code = renewed.json()["code"].as_str().unwrap().to_owned();
    assert_ne!(new_code, code);
    assert_eq!(
        app.get(&format!("/api/v1/share/{new_code}"), None)
            .await
            .json()["visits"],
        1
    );
    assert_eq!(
        app.delete(
            &format!("/api/v1/me/shops/{shop_id}/items/{item_id}"),
            token
        )
        .await
        .status,
        204
    );
    assert_eq!(
        app.get(&format!("/api/v1/share/{new_code}"), None)
            .await
            .status,
        404
    );
}

#[actix_web::test]
async fn simultaneous_first_shares_of_an_item_make_one_code() {
    let app = TestApp::start().await;
    let ShopItem {
        keeper,
        shop_id,
        item_id,
        ..
    } = shop_item(&app, "好吃").await;
    let token = Some(keeper.access.as_str());
    let share_path = share_path(shop_id, item_id);

    let body = json!({});
    let replies =
        futures_util::future::join_all((0..12).map(|_| app.post(&share_path, &body, token))).await;
    let statuses: Vec<u16> = replies.iter().map(|r| r.status).collect();
    assert_eq!(
        (
            statuses.iter().filter(|s| **s == 201).count(),
            statuses.iter().filter(|s| **s == 200).count()
        ),
        (1, 11),
        "one share makes the code, the others get it: {statuses:?}"
    );
    let codes: std::collections::BTreeSet<String> = replies
        .iter()
        .map(|r| r.json()["code"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(codes.len(), 1, "{codes:?}");
    let code = codes.into_iter().next().unwrap();
    assert_eq!(
        app.get(&format!("/api/v1/share/{code}"), None).await.status,
        200
    );
}
