# The signup service: one image for both roles (APP_ROLES='[api]' or '[worker]').
# Configuration comes from environment variables only: server/config.yml names every one.
#   docker build -t signups-server .
#   docker run --env-file .env -e APP_ROLES='[worker]' signups-server
# docker-compose.yml builds and runs it; docs/production.md explains the stack.

FROM eclipse-temurin:17.0.20_8-jdk-noble AS build
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn .mvn
COPY activities activities
COPY workflows workflows
COPY server server
# The cache mount (BuildKit) keeps ~/.m2, Maven itself and the dependencies, between builds.
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -DskipTests package \
    && cp server/target/server-*.jar /src/server.jar

FROM eclipse-temurin:17.0.20_8-jre-noble
RUN groupadd --system --gid 10001 signups \
    && useradd --system --uid 10001 --gid signups --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin signups
WORKDIR /app
COPY --from=build /src/server.jar /app/server.jar
COPY server/config.yml /app/config.yml
COPY scripts/compose/app-healthcheck /app/healthcheck
USER signups:signups

# A container must listen on every interface; config.yml's defaults (127.0.0.1) suit a laptop.
ENV API_HOST=0.0.0.0 \
    ADMIN_HOST=0.0.0.0 \
    JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
EXPOSE 8080 8081

# GET /healthcheck on the admin port: 200 when Temporal (and, for a worker, the SMTP server)
# answers. The script speaks HTTP through bash's /dev/tcp: the image needs neither curl nor wget.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
    CMD ["bash", "/app/healthcheck"]

# exec: java is PID 1 and gets the SIGTERM itself (Jetty drains, the worker finishes its sends).
# JAVA_OPTS is split into words on purpose; arguments after the image name replace the CMD,
# e.g. `check /app/config.yml` or `signup-id ada@example.com /app/config.yml`.
ENTRYPOINT ["/bin/sh", "-c", \
            "exec java $JAVA_OPTS -jar /app/server.jar \"$@\"", "server.jar"]
CMD ["server", "/app/config.yml"]
