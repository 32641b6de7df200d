use cedar_policy::*;
use std::str::FromStr;
use std::time::Instant;
fn main() {
    let schema_src =
        std::fs::read_to_string("/work/main/crates/access/policies/concordat.cedarschema").unwrap();
    let (schema, _) = Schema::from_cedarschema_str(&schema_src).unwrap();
    let n = 20000;
    let t = Instant::now();
    for _ in 0..n {
        let _ = Context::from_pairs([(
            "now".to_string(),
            RestrictedExpression::new_datetime("2026-03-03T03:00:00.000Z"),
        )])
        .unwrap();
    }
    println!("context with datetime: {:?}", t.elapsed() / n);
    let t = Instant::now();
    for _ in 0..n {
        let _ = Context::from_pairs([(
            "now".to_string(),
            RestrictedExpression::new_string("x".into()),
        )])
        .unwrap();
    }
    println!("context with string: {:?}", t.elapsed() / n);
    let t = Instant::now();
    for _ in 0..n {
        let _ = RestrictedExpression::from_str("datetime(\"2026-03-03T03:00:00.000Z\")").unwrap();
    }
    println!("parse datetime expr: {:?}", t.elapsed() / n);
    let _ = schema;
}
