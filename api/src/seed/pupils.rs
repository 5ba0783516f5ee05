//! The demo's pupils: 240 leavers of IJburg College, their applications and enrolments, through
//! the real import.

use sea_orm::DatabaseConnection;

use crate::{auth::Viewer, error::AppResult};

/// A valid demo BSN for pupil `n` (eleven test; `9` as first digit keeps them apart from the tests').
pub(super) fn demo_bsn(n: u32) -> String {
    (0..16)
        .map(|step| 90_000_000 + n * 16 + step)
        .find_map(|body| {
            let digits: Vec<u32> = body
                .to_string()
                .bytes()
                .map(|b| u32::from(b - b'0'))
                .collect();
            let check = digits
                .iter()
                .zip((2..=9).rev())
                .map(|(d, w)| d * w)
                .sum::<u32>()
                % 11;
            (check < 10).then(|| format!("{body}{check}"))
        })
        .expect("a check digit among sixteen bodies")
}

/// 240 demo leavers of IJburg College over two cohorts, most of them in the leerlab, and their
/// enrolments at the ROC's colleges: enough for statistics with and without small cells. Those who
/// enrolled applied first (in February of their exam year). Applications and enrolments are
/// imported before the leavers, so that no signal is raised only to be resolved by the next file.
pub(super) async fn pupils(
    db: &DatabaseConnection,
    admin: &Viewer,
    link_secret: &str,
) -> AppResult<()> {
    use crate::import::{self, APPLICATION_COLUMNS, ImportKind, MBO_COLUMNS, VO_COLUMNS};
    let mut vo = vec![VO_COLUMNS.join(",")];
    let mut mbo = vec![MBO_COLUMNS.join(",")];
    let mut applications = vec![APPLICATION_COLUMNS.join(",")];
    for n in 0..240u32 {
        let pgn = demo_bsn(n);
        let cohort = 2023 + (n % 2) as i32;
        let leerweg = ["TL", "TL", "KB", "GL"][(n % 4) as usize];
        let profile = ["E&O", "Z&W", "D&P", "MVI"][(n / 4 % 4) as usize];
        let (crebo, college, level) = if n % 3 == 0 {
            ("90001", "90RA01", 4)
        } else if n % 3 == 1 {
            ("90002", "90RA02", 4)
        } else {
            ("90003", "90RA02", 2)
        };
        let in_leerlab = n % 5 != 0;
        let chose_early = in_leerlab && n % 7 != 0;
        let choice_date = if chose_early {
            format!("{}-03-15", cohort + 1)
        } else {
            format!("{}-07-01", cohort + 1)
        };
        vo.push(format!(
            "{pgn},90IJ,{leerweg},{profile},{cohort}-{},{}-06-05,{crebo},{choice_date},{}",
            cohort + 1,
            cohort + 1,
            if in_leerlab { "IJBURG-ROCVA" } else { "" }
        ));
        if n % 9 == 8 {
            continue; // no enrolment: not enrolled
        }
        let status = match n % 13 {
            0 => format!("switched,{}-01-20", cohort + 2),
            5 => format!("dropped_out,{}-11-30", cohort + 1),
            _ => "enrolled,".to_owned(),
        };
        let enrolled_crebo = if n % 11 == 3 { "90002" } else { crebo };
        let decided = super::date(cohort + 1, 6, 15);
        if decided <= admin.today() {
            applications.push(format!(
                "{pgn},{college},{enrolled_crebo},{level},{}-02-01,enrolled,{decided}",
                cohort + 1
            ));
        }
        mbo.push(format!(
            "{pgn},{college},{enrolled_crebo},{level},{}-08-26,{status}",
            cohort + 1
        ));
    }
    for (kind, rows) in [
        (ImportKind::MboApplications, applications),
        (ImportKind::MboEnrolments, mbo),
        (ImportKind::VoLeavers, vo),
    ] {
        let csv = rows.join("\n").into_bytes();
        let job = import::ImportJob {
            db: db.clone(),
            viewer: admin.clone(),
            link_secret: link_secret.to_owned(),
            kind,
            live: None,
        };
        import::run(&job, Box::new(std::io::Cursor::new(csv)), None).await?;
    }
    Ok(())
}
