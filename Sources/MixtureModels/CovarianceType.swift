/// The shape of a mixture's covariances: scikit-learn's `covariance_type`, with the same
/// meaning, parameter shapes and parameter counts (mclust's VVV, EEE, VVI and VII).
///
/// In one dimension `full`, `diag` and `spherical` are the same model, a variance per
/// component (mclust's "V"), and `tied` is one variance shared by all (mclust's "E").
public enum CovarianceType: String, Sendable, Equatable, Hashable, CaseIterable, Codable {
  /// A general covariance matrix per component.
  case full
  /// One general covariance matrix shared by every component.
  case tied
  /// A diagonal covariance matrix per component (axis-aligned ellipsoids).
  case diag
  /// A single variance per component (spheres).
  case spherical

  /// The number of free covariance parameters of `K` components in `d` dimensions
  /// (scikit-learn's `_n_parameters`).
  public func covarianceParameterCount(components k: Int, dimension d: Int) -> Int {
    switch self {
    case .full: k * d * (d + 1) / 2
    case .tied: d * (d + 1) / 2
    case .diag: k * d
    case .spherical: k
    }
  }

  /// All free parameters: `d·K` means, `K − 1` weights and the covariance terms.
  public func parameterCount(components k: Int, dimension d: Int) -> Int {
    d * k + (k - 1) + covarianceParameterCount(components: k, dimension: d)
  }

  /// Whether the covariances are full matrices (so off-diagonal sums are needed).
  var needsCrossProducts: Bool { self == .full || self == .tied }
}
