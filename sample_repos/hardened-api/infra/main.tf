# The EKS cluster and the managed Postgres (RDS, Multi-AZ, PITR backups) live here.
terraform {
  required_version = ">= 1.6"
}
