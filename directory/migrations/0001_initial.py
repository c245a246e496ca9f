"""The directory's models, moved here from the ``referrals`` app without touching the database.

Their tables keep the names they had (``Meta.db_table``), so this migration only tells Django's
state where the models live now (``SeparateDatabaseAndState`` with no database operations); a
database migrated before the move keeps every row, index, constraint and PostgreSQL search column
(``referrals`` migrations 0002 and 0004). ``referrals`` 0005 then forgets them there. The
content types move with the models, so permissions and anything else pointing at them follow.
"""

import django.db.models.deletion
import django.utils.timezone
import uuid
from django.conf import settings
from django.db import migrations, models

from config.migration_operations import SeparateDatabaseAndStateRenderedOnce


MOVED_MODELS = [
    "accessibility",
    "address",
    "attribute",
    "contact",
    "directoryimport",
    "language",
    "location",
    "organization",
    "pendingcorrection",
    "phone",
    "schedule",
    "searchword",
    "service",
    "servicearea",
    "serviceatlocation",
    "taxonomy",
    "taxonomyterm",
    "verificationrequest",
]


def move_content_types(apps, schema_editor, source="referrals", target="directory"):
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    taken = set(
        content_type.objects.using(db)
        .filter(app_label=target, model__in=MOVED_MODELS)
        .values_list("model", flat=True)
    )
    content_type.objects.using(db).filter(app_label=source, model__in=MOVED_MODELS).exclude(
        model__in=taken
    ).update(app_label=target)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="directory", target="referrals")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('referrals', '0004_search_filters_and_words'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        SeparateDatabaseAndStateRenderedOnce(
            state_operations=[
                migrations.CreateModel(
                    name='DirectoryImport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('filename', models.CharField(max_length=255)),
                        ('payload', models.BinaryField(blank=True, null=True)),
                        ('status', models.CharField(choices=[('uploaded', 'uploaded, waiting to be checked'), ('validating', 'being checked'), ('valid', 'checked, waiting for confirmation'), ('invalid', 'has errors'), ('confirmed', 'confirmed, waiting to be imported'), ('applying', 'being imported'), ('done', 'imported'), ('failed', 'failed')], default='uploaded', max_length=16)),
                        ('summary', models.JSONField(blank=True, default=dict)),
                        ('errors', models.JSONField(blank=True, default=list)),
                        ('warnings', models.JSONField(blank=True, default=list)),
                        ('progress', models.PositiveSmallIntegerField(default=0)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='directory_imports', to='accounts.organisation')),
                    ],
                    options={
                        'db_table': 'referrals_directoryimport',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='Organization',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('hsds_id', models.CharField(max_length=100, verbose_name='HSDS id')),
                        ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('name', models.CharField(max_length=255, verbose_name='name')),
                        ('alternate_name', models.CharField(blank=True, max_length=255, verbose_name='alternate name')),
                        ('description', models.TextField(blank=True, verbose_name='description')),
                        ('email', models.EmailField(blank=True, max_length=254, verbose_name='e-mail')),
                        ('website', models.CharField(blank=True, max_length=500, verbose_name='website')),
                        ('tax_status', models.CharField(blank=True, max_length=255)),
                        ('tax_id', models.CharField(blank=True, max_length=255)),
                        ('year_incorporated', models.IntegerField(blank=True, null=True)),
                        ('legal_status', models.CharField(blank=True, max_length=255)),
                        ('logo', models.CharField(blank=True, max_length=500)),
                        ('uri', models.CharField(blank=True, max_length=500)),
                        ('owner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.organisation')),
                        ('parent_organization', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='children', to='directory.organization')),
                    ],
                    options={
                        'verbose_name': 'provider organisation',
                        'verbose_name_plural': 'provider organisations',
                        'db_table': 'referrals_organization',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='Location',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('hsds_id', models.CharField(max_length=100, verbose_name='HSDS id')),
                        ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('location_type', models.CharField(choices=[('physical', 'physical'), ('postal', 'postal'), ('virtual', 'virtual')], default='physical', max_length=20)),
                        ('url', models.CharField(blank=True, max_length=500)),
                        ('name', models.CharField(blank=True, max_length=255, verbose_name='name')),
                        ('alternate_name', models.CharField(blank=True, max_length=255)),
                        ('description', models.TextField(blank=True)),
                        ('transportation', models.TextField(blank=True)),
                        ('latitude', models.FloatField(blank=True, null=True)),
                        ('longitude', models.FloatField(blank=True, null=True)),
                        ('external_identifier', models.CharField(blank=True, max_length=255)),
                        ('external_identifier_type', models.CharField(blank=True, max_length=255)),
                        ('is_confidential', models.BooleanField(default=False, verbose_name='confidential address')),
                        ('owner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.organisation')),
                        ('organization', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='locations', to='directory.organization')),
                    ],
                    options={
                        'verbose_name': 'location',
                        'verbose_name_plural': 'locations',
                        'db_table': 'referrals_location',
                        'ordering': ['name', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='Contact',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('hsds_id', models.CharField(max_length=100, verbose_name='HSDS id')),
                        ('name', models.CharField(blank=True, max_length=255)),
                        ('title', models.CharField(blank=True, max_length=255)),
                        ('department', models.CharField(blank=True, max_length=255)),
                        ('email', models.EmailField(blank=True, max_length=254)),
                        ('owner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.organisation')),
                        ('location', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='contacts', to='directory.location')),
                        ('organization', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='contacts', to='directory.organization')),
                    ],
                    options={
                        'db_table': 'referrals_contact',
                    },
                ),
                migrations.CreateModel(
                    name='SearchWord',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('word', models.CharField(max_length=60)),
                        ('owner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.organisation')),
                    ],
                    options={
                        'db_table': 'referrals_searchword',
                    },
                ),
                migrations.CreateModel(
                    name='Service',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('hsds_id', models.CharField(max_length=100, verbose_name='HSDS id')),
                        ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('name', models.CharField(max_length=255, verbose_name='name')),
                        ('alternate_name', models.CharField(blank=True, max_length=255, verbose_name='alternate name')),
                        ('description', models.TextField(blank=True, verbose_name='description')),
                        ('url', models.CharField(blank=True, max_length=500, verbose_name='website')),
                        ('email', models.EmailField(blank=True, max_length=254, verbose_name='e-mail')),
                        ('status', models.CharField(choices=[('active', 'active'), ('inactive', 'inactive'), ('defunct', 'defunct'), ('temporarily closed', 'temporarily closed')], default='active', max_length=20, verbose_name='status')),
                        ('interpretation_services', models.TextField(blank=True, verbose_name='interpretation services')),
                        ('application_process', models.TextField(blank=True, verbose_name='how to refer or apply')),
                        ('fees_description', models.TextField(blank=True, verbose_name='fees')),
                        ('wait_time', models.CharField(blank=True, max_length=255, verbose_name='waiting time')),
                        ('fees', models.TextField(blank=True)),
                        ('accreditations', models.TextField(blank=True, verbose_name='accreditations')),
                        ('eligibility_description', models.TextField(blank=True, verbose_name='eligibility')),
                        ('minimum_age', models.IntegerField(blank=True, null=True, verbose_name='minimum age')),
                        ('maximum_age', models.IntegerField(blank=True, null=True, verbose_name='maximum age')),
                        ('assured_date', models.DateField(blank=True, null=True, verbose_name='last verified')),
                        ('assurer_email', models.EmailField(blank=True, max_length=254, verbose_name='verified by')),
                        ('licenses', models.TextField(blank=True)),
                        ('alert', models.TextField(blank=True, verbose_name='alert')),
                        ('last_modified', models.DateTimeField(blank=True, null=True)),
                        ('do_not_refer', models.BooleanField(default=False, verbose_name='active, but do not refer')),
                        ('do_not_refer_reason', models.CharField(blank=True, max_length=500, verbose_name='why not')),
                        ('search_text', models.TextField(blank=True, editable=False)),
                        ('search_filters', models.TextField(blank=True, editable=False)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='services', to='directory.organization')),
                        ('owner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.organisation')),
                    ],
                    options={
                        'verbose_name': 'service',
                        'verbose_name_plural': 'services',
                        'db_table': 'referrals_service',
                        'ordering': ['name', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='Phone',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('hsds_id', models.CharField(max_length=100, verbose_name='HSDS id')),
                        ('number', models.CharField(max_length=100, verbose_name='number')),
                        ('extension', models.FloatField(blank=True, null=True)),
                        ('type', models.CharField(blank=True, max_length=50)),
                        ('description', models.TextField(blank=True)),
                        ('contact', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='phones', to='directory.contact')),
                        ('location', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='phones', to='directory.location')),
                        ('organization', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='phones', to='directory.organization')),
                        ('owner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.organisation')),
                        ('service', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='phones', to='directory.service')),
                    ],
                    options={
                        'db_table': 'referrals_phone',
                        'ordering': ['id'],
                    },
                ),
                migrations.CreateModel(
                    name='Language',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('hsds_id', models.CharField(max_length=100, verbose_name='HSDS id')),
                        ('name', models.CharField(blank=True, max_length=100)),
                        ('code', models.CharField(blank=True, db_index=True, max_length=20)),
                        ('note', models.TextField(blank=True)),
                        ('owner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.organisation')),
                        ('location', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='languages', to='directory.location')),
                        ('phone', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='languages', to='directory.phone')),
                        ('service', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='languages', to='directory.service')),
                    ],
                    options={
                        'db_table': 'referrals_language',
                        'ordering': ['id'],
                    },
                ),
                migrations.AddField(
                    model_name='contact',
                    name='service',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='contacts', to='directory.service'),
                ),
                migrations.CreateModel(
                    name='ServiceArea',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('hsds_id', models.CharField(max_length=100, verbose_name='HSDS id')),
                        ('name', models.TextField(blank=True)),
                        ('description', models.TextField(blank=True)),
                        ('extent', models.TextField(blank=True)),
                        ('extent_type', models.CharField(blank=True, max_length=50)),
                        ('uri', models.CharField(blank=True, max_length=500)),
                        ('owner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.organisation')),
                        ('service', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='service_areas', to='directory.service')),
                    ],
                    options={
                        'db_table': 'referrals_servicearea',
                        'ordering': ['id'],
                    },
                ),
                migrations.CreateModel(
                    name='ServiceAtLocation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('hsds_id', models.CharField(max_length=100, verbose_name='HSDS id')),
                        ('description', models.TextField(blank=True)),
                        ('location', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='at_services', to='directory.location')),
                        ('owner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.organisation')),
                        ('service', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='at_locations', to='directory.service')),
                    ],
                    options={
                        'db_table': 'referrals_serviceatlocation',
                    },
                ),
                migrations.CreateModel(
                    name='Schedule',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('hsds_id', models.CharField(max_length=100, verbose_name='HSDS id')),
                        ('valid_from', models.DateField(blank=True, null=True)),
                        ('valid_to', models.DateField(blank=True, null=True)),
                        ('dtstart', models.DateField(blank=True, null=True)),
                        ('timezone', models.FloatField(blank=True, null=True)),
                        ('until', models.DateField(blank=True, null=True)),
                        ('count', models.IntegerField(blank=True, null=True)),
                        ('wkst', models.CharField(blank=True, max_length=2)),
                        ('freq', models.CharField(blank=True, max_length=10)),
                        ('interval', models.IntegerField(blank=True, null=True)),
                        ('byday', models.CharField(blank=True, max_length=100)),
                        ('byweekno', models.CharField(blank=True, max_length=100)),
                        ('bymonthday', models.CharField(blank=True, max_length=100)),
                        ('byyearday', models.CharField(blank=True, max_length=100)),
                        ('description', models.TextField(blank=True)),
                        ('opens_at', models.TimeField(blank=True, null=True)),
                        ('closes_at', models.TimeField(blank=True, null=True)),
                        ('schedule_link', models.CharField(blank=True, max_length=500)),
                        ('attending_type', models.CharField(blank=True, max_length=500)),
                        ('notes', models.TextField(blank=True)),
                        ('location', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='schedules', to='directory.location')),
                        ('owner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.organisation')),
                        ('service', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='schedules', to='directory.service')),
                        ('service_at_location', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='schedules', to='directory.serviceatlocation')),
                    ],
                    options={
                        'db_table': 'referrals_schedule',
                        'ordering': ['id'],
                    },
                ),
                migrations.AddField(
                    model_name='phone',
                    name='service_at_location',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='phones', to='directory.serviceatlocation'),
                ),
                migrations.AddField(
                    model_name='contact',
                    name='service_at_location',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='contacts', to='directory.serviceatlocation'),
                ),
                migrations.CreateModel(
                    name='Taxonomy',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('hsds_id', models.CharField(max_length=100)),
                        ('name', models.CharField(max_length=255, verbose_name='name')),
                        ('description', models.TextField(blank=True, verbose_name='description')),
                        ('uri', models.CharField(blank=True, max_length=500)),
                        ('version', models.CharField(blank=True, max_length=100)),
                        ('owner', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.organisation')),
                    ],
                    options={
                        'verbose_name': 'taxonomy',
                        'verbose_name_plural': 'taxonomies',
                        'db_table': 'referrals_taxonomy',
                    },
                ),
                migrations.CreateModel(
                    name='TaxonomyTerm',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('hsds_id', models.CharField(max_length=100)),
                        ('code', models.CharField(blank=True, max_length=100, verbose_name='code')),
                        ('name', models.CharField(max_length=255, verbose_name='name')),
                        ('description', models.TextField(blank=True, verbose_name='description')),
                        ('taxonomy', models.CharField(blank=True, max_length=255)),
                        ('language', models.CharField(blank=True, max_length=20)),
                        ('term_uri', models.CharField(blank=True, max_length=500)),
                        ('labels', models.JSONField(blank=True, default=dict)),
                        ('owner', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.organisation')),
                        ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='children', to='directory.taxonomyterm')),
                        ('taxonomy_detail', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='terms', to='directory.taxonomy')),
                    ],
                    options={
                        'verbose_name': 'category',
                        'verbose_name_plural': 'categories',
                        'db_table': 'referrals_taxonomyterm',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='Attribute',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('hsds_id', models.CharField(max_length=100, verbose_name='HSDS id')),
                        ('link_id', models.CharField(max_length=100)),
                        ('link_type', models.CharField(blank=True, max_length=100)),
                        ('link_entity', models.CharField(max_length=100)),
                        ('value', models.TextField(blank=True)),
                        ('owner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.organisation')),
                        ('service', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='attributes', to='directory.service')),
                        ('taxonomy_term', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attributes', to='directory.taxonomyterm')),
                    ],
                    options={
                        'db_table': 'referrals_attribute',
                        'ordering': ['id'],
                    },
                ),
                migrations.CreateModel(
                    name='VerificationRequest',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('email', models.EmailField(max_length=254)),
                        ('token_hash', models.CharField(max_length=64, unique=True)),
                        ('expires_at', models.DateTimeField()),
                        ('used_at', models.DateTimeField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('service', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='verification_requests', to='directory.service')),
                    ],
                    options={
                        'db_table': 'referrals_verificationrequest',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='PendingCorrection',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('submitted_by_email', models.EmailField(max_length=254)),
                        ('changes', models.JSONField(default=dict)),
                        ('note', models.TextField(blank=True)),
                        ('status', models.CharField(choices=[('pending', 'waiting for approval'), ('approved', 'approved'), ('rejected', 'rejected')], default='pending', max_length=10)),
                        ('decided_at', models.DateTimeField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('decided_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('service', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='corrections', to='directory.service')),
                        ('request', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='corrections', to='directory.verificationrequest')),
                    ],
                    options={
                        'db_table': 'referrals_pendingcorrection',
                        'ordering': ['created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='Address',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('hsds_id', models.CharField(max_length=100, verbose_name='HSDS id')),
                        ('attention', models.CharField(blank=True, max_length=255)),
                        ('address_1', models.CharField(max_length=255, verbose_name='street address')),
                        ('address_2', models.CharField(blank=True, max_length=255)),
                        ('city', models.CharField(max_length=255, verbose_name='city')),
                        ('region', models.CharField(blank=True, max_length=255)),
                        ('state_province', models.CharField(blank=True, max_length=255)),
                        ('postal_code', models.CharField(blank=True, max_length=50, verbose_name='postal code')),
                        ('country', models.CharField(max_length=2, verbose_name='country')),
                        ('address_type', models.CharField(choices=[('physical', 'physical'), ('postal', 'postal'), ('virtual', 'virtual')], default='physical', max_length=20)),
                        ('owner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.organisation')),
                        ('location', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='addresses', to='directory.location')),
                    ],
                    options={
                        'db_table': 'referrals_address',
                        'ordering': ['id'],
                        'constraints': [models.UniqueConstraint(fields=('owner', 'hsds_id'), name='address_unique_hsds_id')],
                    },
                ),
                migrations.CreateModel(
                    name='Accessibility',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('hsds_id', models.CharField(max_length=100, verbose_name='HSDS id')),
                        ('description', models.TextField(blank=True)),
                        ('details', models.TextField(blank=True)),
                        ('url', models.CharField(blank=True, max_length=500)),
                        ('owner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.organisation')),
                        ('location', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='accessibility', to='directory.location')),
                    ],
                    options={
                        'db_table': 'referrals_accessibility',
                        'ordering': ['id'],
                        'constraints': [models.UniqueConstraint(fields=('owner', 'hsds_id'), name='accessibility_unique_hsds_id')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='organization',
                    constraint=models.UniqueConstraint(fields=('owner', 'hsds_id'), name='organization_unique_hsds_id'),
                ),
                migrations.AddConstraint(
                    model_name='location',
                    constraint=models.UniqueConstraint(fields=('owner', 'hsds_id'), name='location_unique_hsds_id'),
                ),
                migrations.AddConstraint(
                    model_name='searchword',
                    constraint=models.UniqueConstraint(fields=('owner', 'word'), name='search_word_unique'),
                ),
                migrations.AddIndex(
                    model_name='service',
                    index=models.Index(fields=['owner', 'assured_date'], name='service_owner_assured'),
                ),
                migrations.AddIndex(
                    model_name='service',
                    index=models.Index(fields=['owner', 'name', 'id'], name='service_owner_name'),
                ),
                migrations.AddConstraint(
                    model_name='service',
                    constraint=models.UniqueConstraint(fields=('owner', 'hsds_id'), name='service_unique_hsds_id'),
                ),
                migrations.AddConstraint(
                    model_name='language',
                    constraint=models.UniqueConstraint(fields=('owner', 'hsds_id'), name='language_unique_hsds_id'),
                ),
                migrations.AddConstraint(
                    model_name='servicearea',
                    constraint=models.UniqueConstraint(fields=('owner', 'hsds_id'), name='service_area_unique_hsds_id'),
                ),
                migrations.AddConstraint(
                    model_name='serviceatlocation',
                    constraint=models.UniqueConstraint(fields=('owner', 'hsds_id'), name='service_at_location_unique_hsds_id'),
                ),
                migrations.AddConstraint(
                    model_name='schedule',
                    constraint=models.UniqueConstraint(fields=('owner', 'hsds_id'), name='schedule_unique_hsds_id'),
                ),
                migrations.AddConstraint(
                    model_name='phone',
                    constraint=models.UniqueConstraint(fields=('owner', 'hsds_id'), name='phone_unique_hsds_id'),
                ),
                migrations.AddConstraint(
                    model_name='contact',
                    constraint=models.UniqueConstraint(fields=('owner', 'hsds_id'), name='contact_unique_hsds_id'),
                ),
                migrations.AddConstraint(
                    model_name='taxonomy',
                    constraint=models.UniqueConstraint(fields=('owner', 'hsds_id'), name='taxonomy_unique_hsds_id'),
                ),
                migrations.AddConstraint(
                    model_name='taxonomy',
                    constraint=models.UniqueConstraint(condition=models.Q(('owner__isnull', True)), fields=('hsds_id',), name='taxonomy_shipped_unique'),
                ),
                migrations.AddConstraint(
                    model_name='taxonomyterm',
                    constraint=models.UniqueConstraint(fields=('owner', 'hsds_id'), name='taxonomy_term_unique_hsds_id'),
                ),
                migrations.AddConstraint(
                    model_name='taxonomyterm',
                    constraint=models.UniqueConstraint(condition=models.Q(('owner__isnull', True)), fields=('hsds_id',), name='term_shipped_unique'),
                ),
                migrations.AddConstraint(
                    model_name='attribute',
                    constraint=models.UniqueConstraint(fields=('owner', 'hsds_id'), name='attribute_unique_hsds_id'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
