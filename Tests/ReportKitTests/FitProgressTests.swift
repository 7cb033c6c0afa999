import Foundation
import MixtureModels
import Synchronization
import Testing

@testable import ReportKit

@Suite struct FitProgressTests {
  /// Every event of one run, in order.
  final class Recorder: Sendable {
    let events = Mutex<[FitProgress]>([])
    func record(_ p: FitProgress) { events.withLock { $0.append(p) } }
  }

  @Test func theGalaxiesRunReportsEveryStartAndEpochAndKeepsItsBytes() throws {
    // K = 1 to 6 from 10 starts each, one start at K = 1: 51 starts, up to 500 epochs each.
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let recorder = Recorder()
    var watched = options(repositoryPath("examples/galaxies.json"), output: folder.appendingPathComponent("watched"), formats: [.svg])
    watched.fitProgress = { recorder.record($0) }
    _ = try ReportGenerator.run(watched)
    let events = recorder.events.withLock { $0 }
    let finished = events.filter { $0.epoch == 0 }
    #expect(finished.map(\.startsDone) == Array(1...51))
    #expect(events.allSatisfy { $0.experiment == "galaxies" && $0.starts == 51 && $0.epochs == 500 })
    // Within a start the epochs count up from 1 without a gap; the K = 1 start runs one.
    var expected = 1
    for event in events {
      if event.epoch == 0 { expected = 1; continue }
      #expect(event.epoch == expected)
      expected += 1
    }
    #expect(events.first == FitProgress(experiment: "galaxies", startsDone: 0, starts: 51, epoch: 1, epochs: 500))
    #expect(events[1] == FitProgress(experiment: "galaxies", startsDone: 1, starts: 51, epoch: 0, epochs: 500))
    // Epoch events add up to the epochs the starts ran, as results.json counts them.
    let plain = options(repositoryPath("examples/galaxies.json"), output: folder.appendingPathComponent("plain"), formats: [.svg])
    _ = try ReportGenerator.run(plain)
    let watchedFiles = try snapshot(folder.appendingPathComponent("watched"))
    let plainFiles = try snapshot(folder.appendingPathComponent("plain"))
    #expect(watchedFiles.keys.sorted() == plainFiles.keys.sorted())
    for (name, bytes) in plainFiles where name != "results.json" { #expect(watchedFiles[name] == bytes, "\(name)") }
    let restarts = String(decoding: try #require(plainFiles["data/galaxies-restarts.csv"]), as: UTF8.self)
    let epochColumn = try #require(restarts.split(separator: "\n").first?.split(separator: ",").firstIndex(of: "epochs"))
    let epochsRun = restarts.split(separator: "\n").dropFirst().compactMap { Int($0.split(separator: ",")[epochColumn]) }.reduce(0, +)
    #expect(events.count(where: { $0.epoch > 0 }) == epochsRun)
  }

  @Test func startsCountEveryTypeAndKWithOneStartAtKEqualsOne() {
    var fit = FitConfig(components: 1...4, initialization: .kMeansPlusPlus)
    fit.components = 1...4
    fit.restarts = 5
    fit.covarianceTypes = [.full, .diag]
    #expect(FitWatch.starts(of: fit) == 2 * (1 + 5 + 5 + 5))
    #expect(FitWatch.starts(of: fit, missingValues: true) == 2 * (5 + 5 + 5 + 5))
    fit.components = 3...3
    fit.restarts = 1
    fit.covarianceTypes = [.full]
    #expect(FitWatch.starts(of: fit) == 1)
  }

  @Test func theLineSaysWhichStartAndEpoch() {
    #expect(FitProgress(experiment: "iris", startsDone: 11, starts: 90, epoch: 40, epochs: 500).text == "iris: start 12 of 90, epoch 40 of 500")
    #expect(FitProgress(experiment: "iris", startsDone: 12, starts: 90, epoch: 0, epochs: 500).text == "iris: 12 of 90 starts done")
    #expect(FitProgress(experiment: "iris", startsDone: 90, starts: 90, epoch: 0, epochs: 500).text == "iris: 90 of 90 starts done")
  }

  @Test func anObserverDoesNotChangeOptionsOrResults() throws {
    let data = (0..<400).map { Double($0 % 7) + Double($0) / 400 }
    let counter = Mutex(0)
    let watched = EMOptions(
      maxEpochs: 30, observer: EMObserver(epochFinished: { _ in counter.withLock { $0 += 1 } }, startFinished: { _ in }))
    #expect(watched == EMOptions(maxEpochs: 30))
    let start = try Initialization.quantiles(data, components: 3)
    let a = try ExpectationMaximization.fit(data, from: start, options: watched)
    let b = try ExpectationMaximization.fit(data, from: start, options: EMOptions(maxEpochs: 30))
    #expect(a == b)
    #expect(counter.withLock { $0 } == 30)
  }
}
