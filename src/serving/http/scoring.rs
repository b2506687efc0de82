//! Scoring a request: the body through the one prediction path, on the event loop when small
//! and on the blocking pool when large, with the model the request started with; and what the
//! answer carries for the logging middleware (a summary of the predictions, the model).

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::Response;

use super::api_error::ApiError;
use super::extract::{Format, ScoringBody};
use super::loaded::Loaded;
use super::server_config::INLINE_BODY_BYTES;
use super::state::AppState;
use crate::serving::{predict, predict_csv, Artifact, Prediction};

/// How many predictions a log line shows before it abbreviates.
const LOGGED_PREDICTIONS: usize = 8;

/// A summary of one prediction, handed from the handler to the logging middleware.
#[derive(Debug, Clone)]
pub(crate) struct Predicted {
    pub(crate) rows: usize,
    pub(crate) shown: String,
}

/// Adds the log line's summary of the predictions to a response.
pub(crate) fn with_summary(
    mut response: Response,
    prediction: &Prediction,
    model: Arc<Loaded>,
) -> Response {
    if !prediction.warnings.is_empty() {
        // Column names only, never cell values.
        tracing::warn!(ignored = ?prediction.ignored_columns, "{}", prediction.warnings.join("; "));
    }
    response.extensions_mut().insert(Predicted {
        rows: prediction.prediction.len(),
        shown: summarise(prediction),
    });
    response.extensions_mut().insert(Answered(model));
    response
}

/// The model that answered a request, for its `x-model-*` headers.
#[derive(Clone)]
pub(crate) struct Answered(pub(crate) Arc<Loaded>);

/// Parses and scores a JSON or CSV body through `serving::predict` (or `predict_csv`) with
/// the model loaded now; returns the predictions and that model.
pub(crate) async fn score_body(
    state: &Arc<AppState>,
    body: ScoringBody,
) -> Result<(Prediction, Arc<Loaded>), ApiError> {
    let large = body.bytes.len() > INLINE_BODY_BYTES;
    off_loop_if(state, state.model.load_full(), large, move |artifact| {
        Ok(match body.format {
            Format::Json => predict(artifact, &body.bytes)?,
            Format::Csv => predict_csv(artifact, &body.bytes)?,
        })
    })
    .await
}

/// Explains a request body's rows (`POST /explain`): parsed as `/predict` parses it, scored off
/// the event loop when large, as predictions are.
pub(crate) async fn explain_body(
    state: &Arc<AppState>,
    body: ScoringBody,
) -> Result<(crate::serving::Explanation, Arc<Loaded>), ApiError> {
    let large = body.bytes.len() > INLINE_BODY_BYTES;
    let model = state.model.load_full();
    if !crate::modeling::explain::explainable(&model.artifact.model) {
        return Err(ApiError::new(
            StatusCode::NOT_IMPLEMENTED,
            crate::modeling::explain::NOT_EXPLAINABLE,
        ));
    }
    off_loop_if(state, model, large, move |artifact| {
        let frame = match body.format {
            Format::Json => crate::serving::payload::parse(&body.bytes, &artifact.features),
            Format::Csv => crate::serving::payload::parse_csv(&body.bytes),
        }
        .map_err(crate::serving::PredictError::from)?;
        Ok(crate::serving::explain_frame(artifact, &frame)?)
    })
    .await
}

/// Runs `work` with `model` on the event loop when small, else on the blocking pool, at most `max_blocking`
/// at once, so that the event loop keeps answering (with `--threads 1` too).
pub(crate) async fn off_loop_if<T: Send + 'static>(
    state: &Arc<AppState>,
    model: Arc<Loaded>,
    large: bool,
    work: impl FnOnce(&Artifact) -> Result<T, ApiError> + Send + 'static,
) -> Result<(T, Arc<Loaded>), ApiError> {
    // `model` serves the whole request, even if a reload swaps the loaded one meanwhile.
    if !large {
        return Ok((work(&model.artifact)?, model));
    }
    let _slot =
        state.blocking.acquire().await.map_err(|_| {
            ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "the server is stopping")
        })?;
    let held = model.clone();
    let answer = tokio::task::spawn_blocking(move || work(&held.artifact))
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "scoring task failed");
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
        })??;
    Ok((answer, model))
}

/// The first answers as the log line shows them: a regressor's numbers to four decimals, a
/// classifier's labels (never the request's values).
fn summarise(prediction: &Prediction) -> String {
    let shown: Vec<String> = match &prediction.labels {
        Some(labels) => labels
            .iter()
            .take(LOGGED_PREDICTIONS)
            .map(|l| l.to_string())
            .collect(),
        None => prediction
            .prediction
            .iter()
            .take(LOGGED_PREDICTIONS)
            .map(|v| format!("{v:.4}"))
            .collect(),
    };
    let n = prediction.prediction.len();
    if n > LOGGED_PREDICTIONS {
        format!("[{}, … {} more]", shown.join(", "), n - LOGGED_PREDICTIONS)
    } else {
        format!("[{}]", shown.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_classifiers_log_line_shows_its_labels() {
        let mut p = Prediction {
            prediction: vec![2.0; 9],
            ..Default::default()
        };
        assert_eq!(
            summarise(&p),
            "[2.0000, 2.0000, 2.0000, 2.0000, 2.0000, 2.0000, 2.0000, 2.0000, … 1 more]"
        );
        p.prediction.truncate(2);
        p.labels = Some(vec!["Gentoo".into(), "Adelie".into()]);
        assert_eq!(summarise(&p), r#"["Gentoo", "Adelie"]"#);
    }
}
