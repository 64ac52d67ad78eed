# One image for every app; the compose file picks the entry point.
FROM node:20.20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts run: nothing the build needs has one, and the ones in the tree only phone
# home (usage telemetry) or build file watchers for development.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps apps
COPY libs libs
RUN npm run build && npm prune --omit=dev --ignore-scripts

FROM node:20.20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY package.json ./
COPY migrations migrations
COPY scripts scripts
USER node
EXPOSE 3000
CMD ["node", "dist/apps/admin-api/src/main.js"]
