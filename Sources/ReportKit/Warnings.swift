import MixtureModels

/// The warnings a reader of a fit must see: in the run line, the report and `results.json`.
enum Warnings {
  /// Warnings about the chosen fit, then about the choice of K.
  /// - Parameters:
  ///   - dataVariance: The data's variance (`ddof = 0`), which sets the collapse floor
  ///     when the regularization is smaller.
  ///   - dimension: The number of coordinates; in d ≥ 2, `dataVariance` is the smallest
  ///     column variance.
  static func make<Model>(_ selection: Selection<Model>, fit: FitConfig, n: Int, dataVariance: Double, dimension: Int = 1) -> [String] {
    let chosen = selection.best
    let em = chosen.best
    let k = chosen.components
    let severalTypes = fit.covarianceTypes.count > 1
    func pair(_ f: RestartedRuns<Model>) -> String { severalTypes ? "K = \(f.components) \(f.covarianceType.rawValue)" : "K = \(f.components)" }
    let which = fit.selects ? "The chosen fit (\(pair(chosen)))" : "EM"
    var warnings: [String] = []
    if fit.tolerance > 0, !em.converged, let change = em.lastChange {
      warnings.append(
        "\(which) did not converge: it stopped at the epoch limit (\(fit.epochs)) while the mean log-likelihood still changed by "
          + "\(Display.number(change, significant: 3)) per point in the last epoch (tolerance \(Display.number(fit.tolerance, significant: 3))). "
          + "Try more epochs (fit.epochs), another init (fit.init) or more restarts (fit.restarts).")
    }
    for c in em.collapses {
      let why: String
      switch c.reason {
      case .varianceAtFloor where dimension > 1:
        why = "its covariance reached the floor in some direction (a Cholesky pivot at or below max(fit.regularization, 10⁻¹² × that column's variance)), so it lies on a line, a plane or a few points"
      case .varianceAtFloor:
        let floor = max(fit.regularization, Collapse.relativeFloor * dataVariance)
        why = "its variance fell to the floor (\(Display.number(floor, significant: 3))), so it sits on a single value or a few"
      case .weightBelowOnePoint:
        why = "its weight fell below one point's share (1/\(n))"
      }
      warnings.append(
        "Component \(c.component + 1) of \(k) collapsed at epoch \(c.epoch): \(why). "
          + "Its parameters describe no real group; try fewer components, more restarts or a larger fit.regularization.")
    }
    // The regularization is in the data's units squared (scikit-learn's reg_covar): on
    // data of small spread it can dominate the variances, and EM no longer climbs.
    if fit.regularization > 1e-3 * dataVariance {
      let whose = dimension > 1 ? "the smallest column variance" : "the data's variance"
      warnings.append(
        "fit.regularization (\(Display.number(fit.regularization, significant: 3))) is large next to \(whose) (\(Display.number(dataVariance, significant: 3))): "
          + "it is added to every component's variance, so it blurs the fit and EM may lower the log-likelihood. Lower it or rescale the data.")
    }
    // Starts of the chosen fit that collapsed: the kept one is the best sound one (the run
    // line counts them over every K and type).
    let collapsedStarts = chosen.runs.filter(\.isCollapsed).count
    if chosen.runs.count > 1, collapsedStarts > 0, !em.isCollapsed {
      warnings.append("\(collapsedStarts) of \(chosen.runs.count) starts at \(pair(chosen)) collapsed; the kept fit is the best sound one.")
    }
    if fit.selects {
      let name = selection.criterion.rawValue.uppercased()
      let excluded = selection.fits.filter { $0.best.isCollapsed && ($0.components != k || $0.covarianceType != chosen.covarianceType) }
      if !excluded.isEmpty && !em.isCollapsed {
        let list =
          severalTypes
          ? excluded.map(pair).joined(separator: ", ") : "K = " + excluded.map { String($0.components) }.joined(separator: ", ")
        let starts = fit.restarts == 1 ? "its one start" : excluded.count == 1 ? "all \(fit.restarts) starts" : "all \(fit.restarts) starts at each"
        warnings.append(
          "\(list) could not be chosen: every start had a collapsed component (\(starts)). More restarts or a larger fit.regularization may give sound fits.")
      }
      if fit.selectsComponents, k == fit.components.upperBound {
        warnings.append(
          "\(name) is lowest at the largest K tried (\(k)); a larger K might be better still: raise fit.components.to.")
      }
    }
    return warnings
  }
}
