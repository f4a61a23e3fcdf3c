//! The demo's clock: a tick of real time per step, a speed factor for travel and waiting,
//! and the stop signal every actor checks between steps, so Ctrl-C ends each one between
//! two requests, never in the middle of one.

use std::time::Duration;

use tokio::sync::watch;

/// Shared timing and the stop signal.
#[derive(Clone, Debug)]
pub struct Pace {
    /// Real time between two steps of an actor.
    pub tick: Duration,
    /// Simulated seconds per real second (travel, time at the door).
    pub speed: f64,
    stop: watch::Receiver<bool>,
}

impl Pace {
    /// A pace stopped through the sender's `true`.
    pub fn new(tick: Duration, speed: f64, stop: watch::Receiver<bool>) -> Self {
        Self { tick, speed, stop }
    }

    /// Waits `duration`; false when the demo is stopping (at once if it already is).
    pub async fn wait(&mut self, duration: Duration) -> bool {
        if *self.stop.borrow() {
            return false;
        }
        tokio::select! {
            () = tokio::time::sleep(duration) => !*self.stop.borrow(),
            _ = self.stop.changed() => false,
        }
    }

    /// Returns once the demo is stopping.
    pub async fn stopped(&mut self) {
        while !*self.stop.borrow() {
            if self.stop.changed().await.is_err() {
                return;
            }
        }
    }

    /// Whether the demo is stopping.
    pub fn stopping(&self) -> bool {
        *self.stop.borrow()
    }

    /// Waits one tick.
    pub async fn next_tick(&mut self) -> bool {
        self.wait(self.tick).await
    }

    /// Kilometres a vehicle at `kmh` covers in one tick at the demo's speed.
    pub fn km_per_tick(&self, kmh: f64) -> f64 {
        kmh * self.speed * self.tick.as_secs_f64() / 3600.0
    }

    /// Ticks that `minutes` of simulated time take (at least one).
    pub fn ticks_for_minutes(&self, minutes: f64) -> u32 {
        let real = minutes * 60.0 / self.speed;
        (real / self.tick.as_secs_f64()).ceil().max(1.0) as u32
    }
}
