package io.hilnat.host.search;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one place a search persists: an SQLite file in the run folder. Every candidate is written before
 * it is evaluated and every measurement in its own transaction, so a search killed at any instant resumes
 * from what is here without losing or repeating an evaluation; the unique keys make a repeat an error
 * rather than a silent duplicate. Reports are read from here.
 */
public final class RunStore implements AutoCloseable {

  /** A subnet planned for real evaluation in an iteration, with what the surrogates predicted for it. */
  public record Candidate(int iteration, String archKey, String origin, Map<String, Double> predicted) {}

  /** A stored measurement with its place in the run. */
  public record Row(int iteration, String archKey, Measurement measurement, String createdAt) {}

  /** The surrogate chosen for an objective in an iteration, its cross-validated τ, and τ on the real results. */
  public record SurrogateChoice(int iteration, String objective, String model, double cvMeanTau, double cvStdTau,
      String scores, Double nextTau) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Connection db;
  private final Path file;

  private RunStore(Connection db, Path file) {
    this.db = db;
    this.file = file;
  }

  /** Opens (creating when absent) {@code dir/run.db}. */
  public static RunStore open(Path dir) throws SQLException {
    try {
      Files.createDirectories(dir);
    } catch (java.io.IOException e) {
      throw new SQLException("cannot create run folder " + dir + ": " + e.getMessage(), e);
    }
    Path file = dir.resolve("run.db");
    Connection db = DriverManager.getConnection("jdbc:sqlite:" + file);
    try (Statement s = db.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("PRAGMA synchronous=FULL");
      s.execute("CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)");
      s.execute("CREATE TABLE IF NOT EXISTS candidates(iteration INTEGER NOT NULL, arch_key TEXT NOT NULL,"
          + " origin TEXT NOT NULL, predicted TEXT NOT NULL, PRIMARY KEY(iteration, arch_key))");
      s.execute("CREATE TABLE IF NOT EXISTS evaluations(id INTEGER PRIMARY KEY, iteration INTEGER NOT NULL,"
          + " arch_key TEXT NOT NULL, objective TEXT NOT NULL, value REAL NOT NULL, source TEXT NOT NULL,"
          + " detail TEXT NOT NULL, created_at TEXT NOT NULL, UNIQUE(iteration, arch_key, objective))");
      s.execute("CREATE TABLE IF NOT EXISTS surrogates(iteration INTEGER NOT NULL, objective TEXT NOT NULL,"
          + " model TEXT NOT NULL, cv_mean_tau REAL NOT NULL, cv_std_tau REAL NOT NULL, scores TEXT NOT NULL,"
          + " next_tau REAL, PRIMARY KEY(iteration, objective))");
      s.execute("CREATE TABLE IF NOT EXISTS adaptations(iteration INTEGER PRIMARY KEY, checkpoint TEXT NOT NULL,"
          + " created_at TEXT NOT NULL)");
    }
    return new RunStore(db, file);
  }

  public Path file() {
    return file;
  }

  public synchronized void putMeta(String key, String value) throws SQLException {
    try (PreparedStatement p = db.prepareStatement("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)")) {
      p.setString(1, key);
      p.setString(2, value);
      p.executeUpdate();
    }
  }

  public synchronized Optional<String> meta(String key) throws SQLException {
    try (PreparedStatement p = db.prepareStatement("SELECT value FROM meta WHERE key = ?")) {
      p.setString(1, key);
      ResultSet r = p.executeQuery();
      return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
    }
  }

  /** Writes an iteration's candidates in one transaction; an iteration is planned once. */
  public synchronized void plan(int iteration, List<Candidate> candidates) throws SQLException {
    db.setAutoCommit(false);
    try (PreparedStatement p = db.prepareStatement(
        "INSERT INTO candidates(iteration, arch_key, origin, predicted) VALUES (?, ?, ?, ?)")) {
      for (Candidate c : candidates) {
        p.setInt(1, iteration);
        p.setString(2, c.archKey());
        p.setString(3, c.origin());
        p.setString(4, JSON.writeValueAsString(c.predicted()));
        p.addBatch();
      }
      p.executeBatch();
      db.commit();
    } catch (SQLException | JsonProcessingException e) {
      db.rollback();
      throw e instanceof SQLException ? (SQLException) e : new SQLException(e);
    } finally {
      db.setAutoCommit(true);
    }
  }

  /** The candidates of an iteration in planning order; empty when it has not been planned. */
  public synchronized List<Candidate> planned(int iteration) throws SQLException {
    List<Candidate> out = new ArrayList<>();
    try (PreparedStatement p = db.prepareStatement(
        "SELECT arch_key, origin, predicted FROM candidates WHERE iteration = ? ORDER BY rowid")) {
      p.setInt(1, iteration);
      ResultSet r = p.executeQuery();
      while (r.next()) {
        out.add(new Candidate(iteration, r.getString(1), r.getString(2), readMap(r.getString(3))));
      }
    }
    return out;
  }

  /** Records the measurements of one evaluation of one subnet atomically. */
  public synchronized void record(int iteration, String archKey, List<Measurement> measurements) throws SQLException {
    db.setAutoCommit(false);
    try (PreparedStatement p = db.prepareStatement("INSERT INTO evaluations(iteration, arch_key, objective, value,"
        + " source, detail, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      for (Measurement m : measurements) {
        p.setInt(1, iteration);
        p.setString(2, archKey);
        p.setString(3, m.objective());
        p.setDouble(4, m.value());
        p.setString(5, m.source());
        p.setString(6, m.detail());
        p.setString(7, Instant.now().toString());
        p.addBatch();
      }
      p.executeBatch();
      db.commit();
    } catch (SQLException e) {
      db.rollback();
      throw e;
    } finally {
      db.setAutoCommit(true);
    }
  }

  /** Whether every one of {@code objectives} is recorded for this subnet in this iteration. */
  public synchronized boolean hasAll(int iteration, String archKey, List<String> objectives) throws SQLException {
    try (PreparedStatement p = db.prepareStatement(
        "SELECT objective FROM evaluations WHERE iteration = ? AND arch_key = ?")) {
      p.setInt(1, iteration);
      p.setString(2, archKey);
      ResultSet r = p.executeQuery();
      List<String> have = new ArrayList<>();
      while (r.next()) {
        have.add(r.getString(1));
      }
      return have.containsAll(objectives);
    }
  }

  /** Every measurement, oldest first. */
  public synchronized List<Row> rows() throws SQLException {
    List<Row> out = new ArrayList<>();
    try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT iteration, arch_key, objective,"
        + " value, source, detail, created_at FROM evaluations ORDER BY id")) {
      while (r.next()) {
        out.add(new Row(r.getInt(1), r.getString(2),
            new Measurement(r.getString(3), r.getDouble(4), r.getString(5), r.getString(6)), r.getString(7)));
      }
    }
    return out;
  }

  /**
   * The archive up to {@code lastIteration}: per subnet, the latest value of each objective (later
   * iterations measured it with a more adapted supernet), in order of first evaluation.
   */
  public synchronized Map<String, Map<String, Double>> archive(int lastIteration) throws SQLException {
    Map<String, Map<String, Double>> out = new LinkedHashMap<>();
    for (Row row : rows()) {
      if (row.iteration() <= lastIteration) {
        out.computeIfAbsent(row.archKey(), k -> new LinkedHashMap<>())
            .put(row.measurement().objective(), row.measurement().value());
      }
    }
    return out;
  }

  public synchronized void recordSurrogate(SurrogateChoice c) throws SQLException {
    try (PreparedStatement p = db.prepareStatement("INSERT OR REPLACE INTO surrogates(iteration, objective, model,"
        + " cv_mean_tau, cv_std_tau, scores, next_tau) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      p.setInt(1, c.iteration());
      p.setString(2, c.objective());
      p.setString(3, c.model());
      p.setDouble(4, c.cvMeanTau());
      p.setDouble(5, c.cvStdTau());
      p.setString(6, c.scores());
      if (c.nextTau() == null) {
        p.setNull(7, java.sql.Types.REAL);
      } else {
        p.setDouble(7, c.nextTau());
      }
      p.executeUpdate();
    }
  }

  public synchronized List<SurrogateChoice> surrogates() throws SQLException {
    List<SurrogateChoice> out = new ArrayList<>();
    try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT iteration, objective, model,"
        + " cv_mean_tau, cv_std_tau, scores, next_tau FROM surrogates ORDER BY iteration, objective")) {
      while (r.next()) {
        double next = r.getDouble(7);
        out.add(new SurrogateChoice(r.getInt(1), r.getString(2), r.getString(3), r.getDouble(4), r.getDouble(5),
            r.getString(6), r.wasNull() ? null : next));
      }
    }
    return out;
  }

  /** Marks the supernet adapted after {@code iteration}, with the checkpoint that holds the result. */
  public synchronized void recordAdaptation(int iteration, String checkpoint) throws SQLException {
    try (PreparedStatement p = db.prepareStatement(
        "INSERT INTO adaptations(iteration, checkpoint, created_at) VALUES (?, ?, ?)")) {
      p.setInt(1, iteration);
      p.setString(2, checkpoint);
      p.setString(3, Instant.now().toString());
      p.executeUpdate();
    }
  }

  /** The last adaptation: its iteration and checkpoint. */
  public synchronized Optional<Map.Entry<Integer, String>> lastAdaptation() throws SQLException {
    try (Statement s = db.createStatement(); ResultSet r = s.executeQuery(
        "SELECT iteration, checkpoint FROM adaptations ORDER BY iteration DESC LIMIT 1")) {
      return r.next() ? Optional.of(Map.entry(r.getInt(1), r.getString(2))) : Optional.empty();
    }
  }

  private static Map<String, Double> readMap(String json) throws SQLException {
    try {
      return JSON.readValue(json, new TypeReference<LinkedHashMap<String, Double>>() {});
    } catch (JsonProcessingException e) {
      throw new SQLException("corrupt prediction record: " + json, e);
    }
  }

  @Override
  public void close() throws SQLException {
    db.close();
  }
}
