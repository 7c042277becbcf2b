package dev.signups.activities.testing;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.SMTPServer;
import org.subethamail.smtp.server.SessionHandler;

/**
 * An SMTP server for tests that accepts mail, or fails the way real servers do, as scripted at
 * runtime.
 *
 * <p>It listens on {@value #HOST} on a port chosen by the operating system and starts out accepting
 * every message. The fault methods change how <em>later</em> commands are answered and may be
 * called while clients are connected; {@link #reset()} returns to accepting everything, on the same
 * port even after {@link #refuseConnections()}. Every message the server takes in is recorded,
 * exactly as the client sent it and with the time it arrived, and can be read with {@link
 * #received()} or waited for with {@link #awaitMessages(int, Duration)}; the time of every {@code
 * RCPT TO}, accepted or not, is recorded too ({@link #recipientAttempts(String)}). All methods are
 * thread-safe.
 *
 * <pre>{@code
 * try (FaultySmtpServer smtp = FaultySmtpServer.start()) {
 *   smtp.rejectRecipient("poison@example.com", 550, "5.1.1 No such user");
 *   smtp.failNextTransactions(2, 451, "4.3.0 Try again later");
 *   // ... send mail to smtp.host():smtp.port() ...
 *   smtp.awaitMessages(1, Duration.ofSeconds(5));
 * }
 * }</pre>
 */
public final class FaultySmtpServer implements AutoCloseable {

  /** The address the server listens on. */
  public static final String HOST = "127.0.0.1";

  private static final int UNLIMITED = -1;

  /** How long closing the idle connections waits for the transactions under way to end. */
  private static final Duration TRANSACTION_END = Duration.ofSeconds(2);

  /** Connections the system queues for the server: one per worker slot of a few workers. */
  private static final int BACKLOG = 1000;

  private final Object lock = new Object();

  /** Guards starting and stopping the listener; never taken while holding lock. */
  private final Object listener = new Object();

  private final int port;

  // Guarded by listener.
  private SMTPServer server;

  /** Holds the port while connections are refused: bound, not listening. */
  private Socket placeholder;

  // Everything below is guarded by lock.
  private final List<ReceivedMessage> received = new ArrayList<>();
  private final Map<String, List<Instant>> recipientAttempts = new HashMap<>();
  private final Map<String, Reply> recipientReplies = new HashMap<>();
  private final Set<org.subethamail.smtp.server.Session> open = new HashSet<>();
  private final Set<org.subethamail.smtp.server.Session> inTransaction = new HashSet<>();
  private Reply everyRecipientReply;
  private Reply greetingReply;
  private Reply transactionReply;
  private int transactionRepliesLeft;
  private Duration dataDelay = Duration.ZERO;
  private boolean dropAfterData;
  private boolean silent;
  private boolean refusing;
  private boolean closed;
  private int connections;

  private FaultySmtpServer() {
    server = listenOn(0);
    port = server.getPortAllocated();
  }

  /** Starts a server that accepts every message until a fault is scripted. */
  public static FaultySmtpServer start() {
    return new FaultySmtpServer();
  }

  /** The host to connect to, {@value #HOST}. */
  public String host() {
    return HOST;
  }

  /** The port the operating system gave the server, the same for its whole life. */
  public int port() {
    return port;
  }

  /**
   * Clears every scripted fault, so that the server accepts everything again, listening again on
   * {@link #port()} if it was refusing connections.
   */
  public void reset() {
    synchronized (listener) {
      if (placeholder != null) {
        server = listenOn(port);
        closeQuietly(placeholder);
        placeholder = null;
      }
    }
    synchronized (lock) {
      refusing = false;
      recipientReplies.clear();
      everyRecipientReply = null;
      greetingReply = null;
      transactionReply = null;
      transactionRepliesLeft = 0;
      dataDelay = Duration.ZERO;
      dropAfterData = false;
      silent = false;
      lock.notifyAll();
    }
  }

  /**
   * Greets every new connection with {@code code} and {@code text} instead of 220, then closes it,
   * as a server does when it is overloaded (421) or refuses service (554).
   */
  public void rejectGreeting(int code, String text) {
    Reply reply = Reply.failure(code, text);
    synchronized (lock) {
      greetingReply = reply;
    }
  }

  /**
   * Stops listening, so that connecting to {@link #port()} is refused, until {@link #reset()}.
   * Connections already open are closed. The port stays bound meanwhile, without listening, so that
   * the system hands it to no other socket, not even as the local port of an outgoing connection.
   */
  public void refuseConnections() {
    synchronized (lock) {
      refusing = true;
      lock.notifyAll();
    }
    stopListening();
  }

  /**
   * Accepts new connections but never sends them the greeting, as a hung server does, until {@link
   * #reset()} or {@link #close()}.
   */
  public void neverAnswer() {
    synchronized (lock) {
      silent = true;
    }
  }

  /** Answers {@code RCPT TO} for {@code address} (case-insensitive) with {@code code}. */
  public void rejectRecipient(String address, int code, String text) {
    Reply reply = Reply.failure(code, text);
    synchronized (lock) {
      recipientReplies.put(address.toLowerCase(Locale.ROOT), reply);
    }
  }

  /** Answers {@code RCPT TO} for every address with {@code code}. */
  public void rejectAllRecipients(int code, String text) {
    Reply reply = Reply.failure(code, text);
    synchronized (lock) {
      everyRecipientReply = reply;
    }
  }

  /**
   * Answers {@code MAIL FROM}, the start of a transaction, with {@code code} for the next {@code
   * count} transactions, then accepts them again.
   */
  public void failNextTransactions(int count, int code, String text) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1: " + count);
    }
    Reply reply = Reply.failure(code, text);
    synchronized (lock) {
      transactionReply = reply;
      transactionRepliesLeft = count;
    }
  }

  /** Answers {@code MAIL FROM} with {@code code} for every transaction until {@link #reset()}. */
  public void failTransactions(int code, String text) {
    Reply reply = Reply.failure(code, text);
    synchronized (lock) {
      transactionReply = reply;
      transactionRepliesLeft = UNLIMITED;
    }
  }

  /** Waits {@code delay} after receiving each message before replying to it. */
  public void delayData(Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative: " + delay);
    }
    synchronized (lock) {
      dataDelay = delay;
    }
  }

  /**
   * Receives and records each message, then closes the connection without replying to it, as when
   * the reply is lost: the client cannot know whether the message was accepted.
   */
  public void dropAfterData() {
    synchronized (lock) {
      dropAfterData = true;
    }
  }

  /**
   * Closes every connection between two transactions, as a server does with a client idle for
   * longer than it allows: first replies {@code 421 4.4.2 Idle timeout, closing connection}, which
   * the client reads as the answer to its next command, as Postfix and SubEthaSMTP do. Waits up to
   * 2 s for the transactions under way to end first.
   */
  public void closeIdleConnections() {
    closeIdle("421 4.4.2 faulty-smtp.test Idle timeout, closing connection");
  }

  /**
   * Closes every connection between two transactions without a word, as a server that restarts
   * does, or a load balancer between client and server. Waits up to 2 s for the transactions under
   * way to end first.
   */
  public void dropIdleConnections() {
    closeIdle(null);
  }

  private void closeIdle(String reply) {
    List<org.subethamail.smtp.server.Session> idle;
    synchronized (lock) {
      // The client reads the reply to DATA before the session ends its transaction.
      long deadline = System.nanoTime() + TRANSACTION_END.toNanos();
      try {
        for (long left = TRANSACTION_END.toNanos();
            left > 0 && open.stream().anyMatch(inTransaction::contains);
            left = deadline - System.nanoTime()) {
          waitAtMost(left);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      idle = open.stream().filter(s -> !inTransaction.contains(s)).toList();
    }
    for (org.subethamail.smtp.server.Session session : idle) {
      if (reply != null) {
        try {
          session.sendResponse(reply);
        } catch (IOException e) {
          // The client has gone already.
        }
      }
      session.quit();
    }
  }

  /** The number of connections the server has greeted and not yet closed. */
  public int openConnections() {
    synchronized (lock) {
      return open.size();
    }
  }

  /**
   * Waits until exactly {@code count} connections are open: a connection the client closes ends on
   * the server a moment later.
   *
   * @throws AssertionError when the count differs still after {@code timeout}
   */
  public void awaitOpenConnections(int count, Duration timeout) throws InterruptedException {
    await(
        () -> open.size() == count,
        timeout,
        () ->
            "Expected " + count + " open connection(s) within " + timeout + " but " + open.size());
  }

  /** The number of connections the server has accepted, rejected greetings included. */
  public int connections() {
    synchronized (lock) {
      return connections;
    }
  }

  /** The messages received so far, oldest first. */
  public List<ReceivedMessage> received() {
    synchronized (lock) {
      return List.copyOf(received);
    }
  }

  /** The messages received for {@code address}, oldest first. */
  public List<ReceivedMessage> receivedBy(String address) {
    return received().stream().filter(m -> m.recipients().contains(address)).toList();
  }

  /**
   * The times at which a client named {@code address} (case-insensitive) in {@code RCPT TO}, oldest
   * first, whatever the reply: one per attempt to send to it that got that far.
   */
  public List<Instant> recipientAttempts(String address) {
    synchronized (lock) {
      return List.copyOf(
          recipientAttempts.getOrDefault(address.toLowerCase(Locale.ROOT), List.of()));
    }
  }

  /**
   * Waits until at least {@code count} messages have been received.
   *
   * @return the messages received, oldest first
   * @throws AssertionError when fewer than {@code count} arrive within {@code timeout}
   */
  public List<ReceivedMessage> awaitMessages(int count, Duration timeout)
      throws InterruptedException {
    await(
        () -> received.size() >= count,
        timeout,
        () ->
            "Expected "
                + count
                + " message(s) within "
                + timeout
                + " but received "
                + received.size());
    return received();
  }

  /** Stops the server, releasing any connection held by {@link #neverAnswer()} or a delay. */
  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      lock.notifyAll();
    }
    stopListening();
    synchronized (listener) {
      closeQuietly(placeholder);
    }
  }

  private void stopListening() {
    synchronized (listener) {
      if (placeholder == null) {
        server.stop();
        placeholder = reserve(port);
      }
    }
  }

  private SMTPServer listenOn(int port) {
    SMTPServer smtp =
        SMTPServer.port(port)
            .bindAddress(loopback())
            .backlog(BACKLOG)
            .hostName("faulty-smtp.test")
            .insertReceivedHeaders(false)
            .sessionHandler(new GreetingHandler())
            .messageHandlerFactory(Transaction::new)
            .build();
    smtp.start();
    return smtp;
  }

  /**
   * Binds a socket to {@code port} without listening: connections to the port are refused, and the
   * system picks it for no other socket. With address reuse on both, the next listener can bind to
   * the port while it is held.
   */
  private static Socket reserve(int port) {
    Socket socket = new Socket();
    try {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(loopback(), port));
      return socket;
    } catch (IOException e) {
      closeQuietly(socket);
      throw new UncheckedIOException("cannot hold port " + port, e);
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // Nothing was sent through it.
    }
  }

  /** Whether a held connection should be let go; the caller holds lock. */
  private boolean releasing() {
    return closed || refusing;
  }

  /**
   * Waits until {@code done}, read holding lock, is true.
   *
   * @throws AssertionError saying {@code failure} when it is still false after {@code timeout}
   */
  private void await(BooleanSupplier done, Duration timeout, Supplier<String> failure)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (!done.getAsBoolean()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(failure.get());
        }
        waitAtMost(left);
      }
    }
  }

  private void waitAtMost(long nanos) throws InterruptedException {
    // The caller holds lock.
    lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos)));
  }

  private void pause(Duration delay) {
    long deadline = System.nanoTime() + delay.toNanos();
    synchronized (lock) {
      try {
        for (long left = delay.toNanos(); left > 0 && !releasing(); ) {
          waitAtMost(left);
          left = deadline - System.nanoTime();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static InetAddress loopback() {
    try {
      return InetAddress.getByName(HOST);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("cannot resolve " + HOST, e);
    }
  }

  /**
   * A message the server received.
   *
   * @param sender the envelope sender from {@code MAIL FROM}
   * @param recipients the envelope recipients from {@code RCPT TO}
   * @param messageId the Message-ID header, angle brackets included, or null when there is none
   * @param raw the message as the client sent it, with CRLF line endings
   * @param receivedAt when the server took the message in, after any {@link #delayData} delay
   */
  public record ReceivedMessage(
      String sender, List<String> recipients, String messageId, byte[] raw, Instant receivedAt) {

    public ReceivedMessage {
      recipients = List.copyOf(recipients);
      raw = raw.clone();
    }

    @Override
    public byte[] raw() {
      return raw.clone();
    }

    /** Parses the raw message. */
    public MimeMessage parse() {
      return parse(raw);
    }

    @Override
    public String toString() {
      return "ReceivedMessage[" + messageId + " from " + sender + " to " + recipients + "]";
    }

    private static MimeMessage parse(byte[] raw) {
      try {
        return new MimeMessage(
            Session.getInstance(new Properties()), new ByteArrayInputStream(raw));
      } catch (MessagingException e) {
        throw new IllegalStateException("received a message that is not MIME", e);
      }
    }

    private static ReceivedMessage of(String sender, List<String> recipients, byte[] raw) {
      try {
        return new ReceivedMessage(
            sender, recipients, parse(raw).getMessageID(), raw, Instant.now());
      } catch (MessagingException e) {
        throw new IllegalStateException("received a message with an unreadable Message-ID", e);
      }
    }
  }

  private record Reply(int code, String text) {

    static Reply failure(int code, String text) {
      if (code < 400 || code > 599) {
        throw new IllegalArgumentException("not a 4xx or 5xx reply code: " + code);
      }
      return new Reply(code, text);
    }

    RejectException reject() {
      return new RejectException(code, text);
    }
  }

  private final class GreetingHandler implements SessionHandler {

    @Override
    public SessionAcceptance accept(org.subethamail.smtp.server.Session session) {
      synchronized (lock) {
        connections++;
        try {
          while (silent && !releasing()) {
            lock.wait();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        if (greetingReply != null) {
          return SessionAcceptance.failure(greetingReply.code(), greetingReply.text());
        }
        open.add(session);
        return SessionAcceptance.success();
      }
    }

    @Override
    public void onSessionEnd(org.subethamail.smtp.server.Session session) {
      synchronized (lock) {
        open.remove(session);
        inTransaction.remove(session);
        lock.notifyAll();
      }
    }
  }

  private final class Transaction implements MessageHandler {

    private final MessageContext context;
    private final List<String> recipients = new ArrayList<>();
    private String sender;

    Transaction(MessageContext context) {
      this.context = context;
      synchronized (lock) {
        inTransaction.add(session());
      }
    }

    @Override
    public void from(String from) throws RejectException {
      synchronized (lock) {
        if (transactionReply != null && transactionRepliesLeft != 0) {
          Reply reply = transactionReply;
          if (transactionRepliesLeft > 0 && --transactionRepliesLeft == 0) {
            transactionReply = null;
          }
          throw reply.reject();
        }
      }
      sender = from;
    }

    @Override
    public void recipient(String recipient) throws RejectException {
      synchronized (lock) {
        recipientAttempts
            .computeIfAbsent(recipient.toLowerCase(Locale.ROOT), r -> new ArrayList<>())
            .add(Instant.now());
        Reply reply = recipientReplies.get(recipient.toLowerCase(Locale.ROOT));
        if (reply == null) {
          reply = everyRecipientReply;
        }
        if (reply != null) {
          throw reply.reject();
        }
      }
      recipients.add(recipient);
    }

    @Override
    public String data(InputStream data) throws IOException {
      byte[] raw = data.readAllBytes();
      Duration delay;
      boolean drop;
      synchronized (lock) {
        delay = dataDelay;
        drop = dropAfterData;
      }
      pause(delay);
      ReceivedMessage message = ReceivedMessage.of(sender, recipients, raw);
      synchronized (lock) {
        received.add(message);
        lock.notifyAll();
      }
      if (drop) {
        // Closes the socket before DataCommand replies; its reply then goes nowhere.
        session().quit();
      }
      return null;
    }

    @Override
    public void done() {
      synchronized (lock) {
        inTransaction.remove(session());
        lock.notifyAll();
      }
    }

    private org.subethamail.smtp.server.Session session() {
      return (org.subethamail.smtp.server.Session) context;
    }
  }
}
