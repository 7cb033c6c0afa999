import MixtureModels
import Synchronization

/// Where a fit is while it runs, for a progress line (the command line shows one on a
/// terminal): starts finished of all the starts this experiment fits (every K and type,
/// one start at K = 1), and the epoch the current start has reached.
public struct FitProgress: Sendable, Equatable {
  /// The experiment's name.
  public var experiment: String
  /// Starts finished so far.
  public var startsDone: Int
  /// Every start the experiment fits.
  public var starts: Int
  /// Epochs the current start has run (0 right after a start finished).
  public var epoch: Int
  /// The epoch limit (`fit.epochs`).
  public var epochs: Int

  public init(experiment: String, startsDone: Int, starts: Int, epoch: Int, epochs: Int) {
    (self.experiment, self.startsDone, self.starts, self.epoch, self.epochs) = (experiment, startsDone, starts, epoch, epochs)
  }

  /// The line a terminal shows, e.g. "galaxies: start 12 of 90, epoch 40 of 500".
  public var text: String {
    let current = Swift.min(startsDone + 1, starts)
    return epoch == 0 || startsDone >= starts
      ? "\(experiment): \(startsDone) of \(starts) starts done"
      : "\(experiment): start \(current) of \(starts), epoch \(epoch) of \(epochs)"
  }
}

/// Turns an experiment's EM callbacks into ``FitProgress`` values for `report`.
final class FitWatch: Sendable {
  private struct State { var done = 0; var epoch = 0 }
  private let state = Mutex(State())
  private let experiment: String, starts: Int, epochs: Int
  private let report: @Sendable (FitProgress) -> Void

  /// Every start of `fit`: each covariance type, each K, `restarts` starts (one at K = 1,
  /// which has a closed form, but not with missing values).
  static func starts(of fit: FitConfig, missingValues: Bool = false) -> Int {
    fit.covarianceTypes.count * fit.components.reduce(0) { $0 + ($1 == 1 && !missingValues ? 1 : fit.restarts) }
  }

  init(experiment: ExperimentConfig, report: @escaping @Sendable (FitProgress) -> Void) {
    let fit = experiment.fit
    (self.experiment, self.starts, self.epochs, self.report) = (
      experiment.name, Self.starts(of: fit, missingValues: experiment.modelsMissing), fit.epochs, report
    )
  }

  var observer: EMObserver {
    EMObserver(
      epochFinished: { [self] epoch in
        let done = state.withLock { s in
          s.epoch = epoch
          return s.done
        }
        report(FitProgress(experiment: experiment, startsDone: done, starts: starts, epoch: epoch, epochs: epochs))
      },
      startFinished: { [self] _ in
        let done = state.withLock { s in
          s.done += 1
          s.epoch = 0
          return s.done
        }
        report(FitProgress(experiment: experiment, startsDone: done, starts: starts, epoch: 0, epochs: epochs))
      })
  }
}
