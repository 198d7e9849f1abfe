//! What the benches share: the wall clock as `date +%s%N` prints it (stand-in window processes
//! write it when they start), and percentiles of a run's samples.

use std::time::{SystemTime, UNIX_EPOCH};

/// Nanoseconds since the Unix epoch, comparable with `date +%s%N` in another process.
pub fn now_ns() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}

/// The `p` quantile (0.0 the smallest, 0.5 the median, 1.0 the largest) of `samples`, by the
/// nearest rank; `NaN` when there are none.
pub fn percentile(mut samples: Vec<f64>, p: f64) -> f64 {
    if samples.is_empty() {
        return f64::NAN;
    }
    samples.sort_by(f64::total_cmp);
    samples[((samples.len() as f64 - 1.0) * p.clamp(0.0, 1.0)).round() as usize]
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn quantiles_by_nearest_rank() {
        let v = vec![5.0, 1.0, 3.0, 2.0, 4.0];
        assert_eq!(percentile(v.clone(), 0.0), 1.0);
        assert_eq!(percentile(v.clone(), 0.5), 3.0);
        assert_eq!(percentile(v, 1.0), 5.0);
        assert!(percentile(Vec::new(), 0.5).is_nan());
    }
}
