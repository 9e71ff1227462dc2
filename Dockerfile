# The marketplace host (ASP.NET Core + Orleans silo) as a container image. Guide: docs/deploy/AZURE.md.
#   docker build -t marketplace:dev .
#   docker run -p 8080:8080 -v marketplace-data:/data marketplace:dev
# Not built on the machine this was written on (it has no Docker engine): see "What was tried" in the guide.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Build settings and package versions first, then the projects the host needs: a source change reuses the
# restore layer.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY grains/Marketplace.Grains.Abstractions/*.csproj grains/Marketplace.Grains.Abstractions/
COPY grains/Marketplace.Grains/*.csproj grains/Marketplace.Grains/
COPY src/Marketplace.Domain/*.csproj src/Marketplace.Domain/
COPY src/Marketplace.Application/*.csproj src/Marketplace.Application/
COPY src/Marketplace.Billing/*.csproj src/Marketplace.Billing/
COPY src/Marketplace.Storage/*.csproj src/Marketplace.Storage/
COPY src/Marketplace.Storage.Cosmos/*.csproj src/Marketplace.Storage.Cosmos/
COPY src/Marketplace.Host/*.csproj src/Marketplace.Host/
RUN dotnet restore src/Marketplace.Host/Marketplace.Host.csproj
COPY grains/ grains/
COPY src/ src/
RUN dotnet publish src/Marketplace.Host/Marketplace.Host.csproj -c Release --no-restore -o /app /p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
# The data directory: SQLite store (single host), upload spool, key files. A volume, owned by the image's
# non-root "app" user (APP_UID, 1654 in the .NET images).
RUN mkdir -p /data && chown "$APP_UID" /data
VOLUME /data
WORKDIR /app
COPY --from=build /app ./
ENV ASPNETCORE_HTTP_PORTS=8080 \
    Marketplace__DataDirectory=/data \
    DOTNET_gcServer=1
# HTTP, Orleans silo-to-silo, Orleans gateway (Marketplace:SiloPort / Marketplace:GatewayPort).
EXPOSE 8080 11111 30000
USER $APP_UID
ENTRYPOINT ["dotnet", "Marketplace.Host.dll"]
