package io.hilnat.host.latency;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Latency tables in SQLite: per device kind, one entry per block configuration, and the whole subnets
 * measured to correct and to evaluate predictors. An entry is written when its measurement completes, so a
 * table build that stops resumes with the entries it lacks; a later measurement replaces an entry only when
 * it is faster (the least disturbed of repeated passes is kept).
 */
public final class LatencyStore implements AutoCloseable {

  /** A measured latency distribution (milliseconds). */
  public record Entry(String key, int count, double p50, double p90, double mean, double std) {}

  private final Connection db;

  private LatencyStore(Connection db) {
    this.db = db;
  }

  public static LatencyStore open(Path file) throws SQLException {
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
    } catch (java.io.IOException e) {
      throw new SQLException("cannot create " + file.getParent() + ": " + e.getMessage(), e);
    }
    Connection db = DriverManager.getConnection("jdbc:sqlite:" + file);
    try (Statement s = db.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      for (String table : new String[] {"blocks", "subnets"}) {
        s.execute("CREATE TABLE IF NOT EXISTS " + table + "(device TEXT NOT NULL, key TEXT NOT NULL, count INTEGER"
            + " NOT NULL, p50 REAL NOT NULL, p90 REAL NOT NULL, mean REAL NOT NULL, std REAL NOT NULL, agent TEXT NOT"
            + " NULL, measured_at TEXT NOT NULL, PRIMARY KEY(device, key))");
      }
    }
    return new LatencyStore(db);
  }

  /** Stores a block's entry, or replaces the stored one when this one's p50 is lower (see {@link TableBuilder}). */
  public synchronized void putBlock(String device, String agent, Entry e) throws SQLException {
    put("blocks", device, agent, e);
  }

  /** Stores a whole subnet's measurement, or replaces the stored one when this one's p50 is lower. */
  public synchronized void putSubnet(String device, String agent, Entry e) throws SQLException {
    put("subnets", device, agent, e);
  }

  public synchronized Map<String, Entry> blocks(String device) throws SQLException {
    return read("blocks", device);
  }

  public synchronized Map<String, Entry> subnets(String device) throws SQLException {
    return read("subnets", device);
  }

  /** Devices that have table entries. */
  public synchronized java.util.List<String> devices() throws SQLException {
    java.util.List<String> out = new java.util.ArrayList<>();
    try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT DISTINCT device FROM blocks ORDER "
        + "BY 1")) {
      while (r.next()) {
        out.add(r.getString(1));
      }
    }
    return out;
  }

  private void put(String table, String device, String agent, Entry e) throws SQLException {
    try (PreparedStatement p = db.prepareStatement("INSERT INTO " + table
        + "(device, key, count, p50, p90, mean, std, agent, measured_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        + " ON CONFLICT(device, key) DO UPDATE SET count = excluded.count, p50 = excluded.p50, p90 = excluded.p90,"
        + " mean = excluded.mean, std = excluded.std, agent = excluded.agent, measured_at = excluded.measured_at"
        + " WHERE excluded.p50 < p50")) {
      p.setString(1, device);
      p.setString(2, e.key());
      p.setInt(3, e.count());
      p.setDouble(4, e.p50());
      p.setDouble(5, e.p90());
      p.setDouble(6, e.mean());
      p.setDouble(7, e.std());
      p.setString(8, agent);
      p.setString(9, Instant.now().toString());
      p.executeUpdate();
    }
  }

  private Map<String, Entry> read(String table, String device) throws SQLException {
    Map<String, Entry> out = new LinkedHashMap<>();
    try (PreparedStatement p = db.prepareStatement(
        "SELECT key, count, p50, p90, mean, std FROM " + table + " WHERE device = ? ORDER BY rowid")) {
      p.setString(1, device);
      ResultSet r = p.executeQuery();
      while (r.next()) {
        out.put(r.getString(1), new Entry(r.getString(1), r.getInt(2), r.getDouble(3), r.getDouble(4), r.getDouble(5),
            r.getDouble(6)));
      }
    }
    return out;
  }

  @Override
  public void close() throws SQLException {
    db.close();
  }
}
