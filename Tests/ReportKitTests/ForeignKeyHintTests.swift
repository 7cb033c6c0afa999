import Testing

@testable import ReportKit

/// Keys scikit-learn, mclust and seaborn users type get our name for them, and where it goes.
@Suite struct ForeignKeyHintTests {
  static let data = #""data": {"generate": [{"mean": 0, "sd": 1, "count": 10}, {"mean": 5, "sd": 1, "count": 10}]}"#

  static func file(top: String = "", experiment: String = "") -> String {
    #"{\#(top)"experiments": [{"name": "a", \#(experiment)\#(data)}]}"#
  }

  static let cases: [(String, String)] = [
    (file(experiment: #""fit": {"n_init": 10}, "#), #"h.json:1:40: experiments[0].fit.n_init is not a known key; scikit-learn's n_init is "restarts" here"#),
    (file(experiment: #""max_iter": 500, "#), #"h.json:1:32: experiments[0].max_iter is not a known key; scikit-learn's max_iter is "epochs" in "fit""#),
    (file(experiment: #""fit": {"tol": 0.001}, "#), #"h.json:1:40: experiments[0].fit.tol is not a known key; scikit-learn's tol is "tolerance" here"#),
    (file(experiment: #""reg_covar": 0, "#), #"h.json:1:32: experiments[0].reg_covar is not a known key; scikit-learn's reg_covar is "regularization" in "fit""#),
    (file(experiment: #""fit": {"n_components": 3}, "#), #"h.json:1:40: experiments[0].fit.n_components is not a known key; scikit-learn's n_components is "components" here"#),
    (file(experiment: #""G": 3, "#), #"h.json:1:32: experiments[0].G is not a known key; mclust's G is "components" in "fit""#),
    (file(experiment: #""fit": {"covariance_type": "diag"}, "#), #"h.json:1:40: experiments[0].fit.covariance_type is not a known key; scikit-learn's covariance_type is "covariance" here"#),
    (file(experiment: #""fit": {"modelNames": "VVV"}, "#), #"h.json:1:40: experiments[0].fit.modelNames is not a known key; mclust's modelNames is "covariance" here"#),
    (file(experiment: #""kde": {"bw_method": "scott"}, "#), #"h.json:1:40: experiments[0].kde.bw_method is not a known key; seaborn's bw_method is "bandwidth" here"#),
    (file(experiment: #""bw_adjust": 2, "#), #"h.json:1:32: experiments[0].bw_adjust is not a known key; seaborn's bw_adjust is "adjust" in "kde""#),
    (file(experiment: #""fit": {"bw_adjust": 2}, "#), #"h.json:1:40: experiments[0].fit.bw_adjust is not a known key; seaborn's bw_adjust is "adjust" in the experiment's "kde""#),
    (file(experiment: #""kde": {"max_iter": 5}, "#), #"h.json:1:40: experiments[0].kde.max_iter is not a known key; scikit-learn's max_iter is "epochs" in the experiment's "fit""#),
    (file(experiment: #""fit": {"random_state": 0}, "#), #"h.json:1:40: experiments[0].fit.random_state is not a known key; scikit-learn's random_state is "seed" in the experiment"#),
    (file(experiment: #""random_state": 0, "#), #"h.json:1:32: experiments[0].random_state is not a known key; scikit-learn's random_state is "seed" here"#),
    (file(experiment: #""init_params": "kmeans", "#), #"h.json:1:32: experiments[0].init_params is not a known key; scikit-learn's init_params is "init" in "fit""#),
    (file(top: #""n_init": 10, "#), #"h.json:1:2: n_init is not a known key; scikit-learn's n_init is "restarts" in each experiment's "fit""#),
    (file(top: #""random_state": 1, "#), #"h.json:1:2: random_state is not a known key; scikit-learn's random_state is "seed" in each experiment"#),
    (file(top: #""figure": {"bw_method": 1}, "#), #"h.json:1:13: figure.bw_method is not a known key; seaborn's bw_method is "bandwidth" in each experiment's "kde""#),
    (
      #"{"experiments": [{"name": "a", "data": {"generate": [{"mean": 0, "sd": 1, "count": 10}], "tol": 1}}]}"#,
      #"h.json:1:90: experiments[0].data.tol is not a known key; scikit-learn's tol is "tolerance" in the experiment's "fit""#
    ),
    (
      file(experiment: #""fit": {"components": {"from": 1, "to": 2, "n_components": 3}}, "#),
      #"h.json:1:75: experiments[0].fit.components.n_components is not a known key; scikit-learn's n_components is "components" in the experiment's "fit""#
    ),
  ]

  @Test func eachForeignKeyNamesOursAndWhereItGoes() {
    for (json, message) in Self.cases {
      do {
        _ = try ReportConfig.decode(json, file: "h.json")
        Issue.record("accepted: \(json)")
      } catch {
        #expect(error.description == message)
      }
    }
  }

  @Test func eachHintNamesAKeyOfTheObjectItPointsTo() {
    let objects: [ConfigSchema.Place: ConfigSchema.ObjectSchema] = [.fit: ConfigSchema.fit, .kde: ConfigSchema.kde, .experiment: ConfigSchema.experiment]
    for foreign in ConfigSchema.foreignKeys {
      #expect(objects[foreign.place]?.keys.contains(foreign.ours) == true, "\(foreign.name) → \(foreign.ours)")
      // A foreign name is never one of ours, anywhere.
      #expect(!ConfigSchema.objects.contains { $0.keys.contains(foreign.name) }, "\(foreign.name)")
    }
    #expect(Set(ConfigSchema.foreignKeys.map(\.name)).count == ConfigSchema.foreignKeys.count)
  }

  @Test func aNearMissOfOurOwnKeyStillGetsDidYouMean() throws {
    #expect(throws: InputError(file: "h.json", position: SourcePosition(line: 1, column: 40), message: #"experiments[0].fit.restart is not a known key; did you mean "restarts"?"#)) {
      try ReportConfig.decode(Self.file(experiment: #""fit": {"restart": 10}, "#), file: "h.json")
    }
  }
}
